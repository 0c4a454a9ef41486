/**
 * A rule said no: the user did something the council's rules forbid or gave input we cannot
 * use. The code is a message key in the i18n catalogues; params fill its placeholders.
 * Anything else that is thrown is either a dependency failure or a bug and is logged as such.
 */
export class RuleError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'RuleError';
  }
}

/** A dependency (database, connector, Graph) failed; the user may retry. */
export class DependencyError extends Error {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} failed`, options);
    this.name = 'DependencyError';
  }
}

/** The card the user acted on showed an older version; answer with a fresh card. */
export class StaleError extends RuleError {
  constructor() {
    super('error.stale');
    this.name = 'StaleError';
  }
}

/**
 * The database could not be reached or dropped the connection (a restart, a failover). Whether
 * the work may be done again depends on `outcome`: 'not-committed' means nothing of it was kept,
 * 'unknown' means the connection was lost while COMMIT was on its way.
 */
export class StoreUnavailableError extends DependencyError {
  constructor(
    readonly outcome: 'not-committed' | 'unknown',
    options: { cause: unknown },
  ) {
    super('database', options);
    this.name = 'StoreUnavailableError';
  }
}
