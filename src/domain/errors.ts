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
