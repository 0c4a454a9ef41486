import type { AbortableOperationOptions, CompiledQuery, DatabaseConnection, Driver, QueryCompiler, QueryResult, TransactionSettings } from 'kysely';
import { PostgresDialect } from 'kysely';
import { noteCommit } from '../app/commit-scope.js';
import { StoreUnavailableError } from '../domain/errors.js';

/** Socket errors: the server is not there, or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * SQLSTATEs the server sends while it stops, starts or ends sessions: admin_shutdown (57P01, every
 * restart and failover), crash_shutdown, cannot_connect_now (starting up or shutting down), too
 * many connections, and the connection_exception class.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);

/** What pg and pg-pool say, without a code, when a connection ends or cannot be made in time. */
const LOST = /^Connection terminated|not queryable|timeout exceeded when trying to connect/;

/** pg's words when a client whose connection had already died is asked to run something: it never sent it. */
const NEVER_SENT = /not queryable/;

/** Whether the error (or what it wraps) means the database connection failed, rather than a statement. */
export function isConnectionLoss(err: unknown, depth = 0): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  const { code, message, cause } = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code))) return true;
  if (typeof message === 'string' && LOST.test(message)) return true;
  // Node reports a failed connect to a host with several addresses as an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isConnectionLoss(e, depth + 1))) return true;
  return cause !== undefined && isConnectionLoss(cause, depth + 1);
}

/** The innermost error worth showing in a log line: the socket's or the server's, not a wrapper's. */
export function describeCause(err: unknown): string {
  let current = err;
  for (let i = 0; i < 5 && current instanceof Error && current.cause !== undefined; i++) current = current.cause;
  if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
  const { code, message } = (current ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : String(current);
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}

function lost(err: unknown, outcome: StoreUnavailableError['outcome']): unknown {
  if (err instanceof StoreUnavailableError || !isConnectionLoss(err)) return err;
  return new StoreUnavailableError(outcome, { cause: err });
}

/**
 * Remembers whether a transaction is open on it, so that a lost connection can be told apart: a
 * statement inside a transaction, or a read, leaves nothing behind; a write on its own may have
 * been committed before the answer was lost.
 */
class GuardedConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(query: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query, options);
      if (!this.inTransaction && query.query.kind !== 'SelectQueryNode') noteCommit();
      return result;
    } catch (err) {
      const harmless = this.inTransaction || query.query.kind === 'SelectQueryNode' || NEVER_SENT.test(String((err as Error)?.message));
      throw lost(err, harmless ? 'not-committed' : 'unknown');
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number, options?: AbortableOperationOptions): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize, options);
  }
}

/**
 * PostgreSQL's driver with failures sorted: a lost connection becomes a StoreUnavailableError
 * saying whether the work may have been kept, so the caller knows whether doing it again is safe.
 */
class GuardedDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, GuardedConnection>();
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await this.inner.acquireConnection();
    } catch (err) {
      throw lost(err, 'not-committed');
    }
    let guarded = this.wrapped.get(connection);
    if (!guarded) {
      guarded = new GuardedConnection(connection);
      this.wrapped.set(connection, guarded);
    }
    return guarded;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const guarded = connection as GuardedConnection;
    try {
      await this.inner.beginTransaction(guarded.inner, settings);
    } catch (err) {
      throw lost(err, 'not-committed');
    }
    guarded.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const guarded = connection as GuardedConnection;
    try {
      await this.inner.commitTransaction(guarded.inner);
      noteCommit();
    } catch (err) {
      throw lost(err, NEVER_SENT.test(String((err as Error)?.message)) ? 'not-committed' : 'unknown');
    } finally {
      guarded.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const guarded = connection as GuardedConnection;
    try {
      await this.inner.rollbackTransaction(guarded.inner);
    } catch (err) {
      // The server rolls back what a dropped session left open; failing here would hide why it dropped.
      if (!isConnectionLoss(err)) throw err;
    } finally {
      guarded.inTransaction = false;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint!((connection as GuardedConnection).inner, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint!((connection as GuardedConnection).inner, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint!((connection as GuardedConnection).inner, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as GuardedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export class GuardedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new GuardedDriver(super.createDriver());
  }
}
