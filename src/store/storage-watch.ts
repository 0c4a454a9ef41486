import { statfs } from 'node:fs/promises';
import { type AbortableOperationOptions, type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, sql } from 'kysely';
import { STORAGE_FULL_LOG, storageFullCode } from '../app/storage-full.js';
import type { Logger } from '../app/ports.js';

/**
 * Remembers that writes fail for lack of space, so /readyz can say so while they do. Set by a
 * write that failed with a storage-full code; cleared by the next write that succeeds or by a
 * probe write (readiness asks for one while the flag is up), so the instance comes back by
 * itself once space is freed even if no traffic reaches it meanwhile.
 */
export class StorageWatch {
  private fullSince: { at: Date; code: string } | undefined;

  constructor(private readonly logger?: Logger) {}

  get full(): { at: Date; code: string } | undefined {
    return this.fullSince;
  }

  failed(err: unknown): void {
    const code = storageFullCode(err);
    if (code === undefined || this.fullSince) return;
    this.fullSince = { at: new Date(), code };
    // Once per occurrence: every failing turn does not repeat it.
    this.logger?.error({ code }, STORAGE_FULL_LOG);
  }

  wrote(): void {
    if (!this.fullSince) return;
    const { code } = this.fullSince;
    this.fullSince = undefined;
    this.logger?.info({ code }, 'disk space is available again: changes are saved');
  }
}

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/**
 * The dialect with its driver watched: every query's failure and every write that reached the
 * disk (a commit of changed rows, or a change outside a transaction) is reported to `watch`.
 */
export function watchedDialect(dialect: Dialect, watch: StorageWatch): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => watchedDriver(dialect.createDriver(), watch),
  };
}

function watchedDriver(driver: Driver, watch: StorageWatch): Driver {
  const originals = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** Connections in a transaction, and whether it has changed a row yet. */
  const inTransaction = new WeakMap<DatabaseConnection, boolean>();
  const original = (c: DatabaseConnection) => originals.get(c) ?? c;
  const reported = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      watch.failed(err);
      throw err;
    }
  };
  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    async acquireConnection() {
      const connection = await driver.acquireConnection();
      const watched: DatabaseConnection = {
        async executeQuery<R>(query: CompiledQuery, options?: AbortableOperationOptions) {
          const result = await reported(() => connection.executeQuery<R>(query, options));
          // A write that changed nothing needed no space and proves nothing (an idle outbox claim).
          if (WRITES.has(query.query.kind) && (result.numAffectedRows ?? BigInt(result.rows.length)) > 0n) {
            if (inTransaction.has(watched)) inTransaction.set(watched, true);
            else watch.wrote();
          }
          return result;
        },
        streamQuery: <R>(query: CompiledQuery, chunkSize: number, options?: AbortableOperationOptions) =>
          connection.streamQuery<R>(query, chunkSize, options),
      };
      originals.set(watched, connection);
      return watched;
    },
    async beginTransaction(connection, settings) {
      await reported(() => driver.beginTransaction(original(connection), settings));
      inTransaction.set(connection, false);
    },
    async commitTransaction(connection) {
      const changed = inTransaction.get(connection) === true;
      inTransaction.delete(connection);
      await reported(() => driver.commitTransaction(original(connection)));
      if (changed) watch.wrote();
    },
    async rollbackTransaction(connection) {
      inTransaction.delete(connection);
      try {
        await driver.rollbackTransaction(original(connection));
      } catch (err) {
        // SQLite rolls a transaction back by itself when a write fails with SQLITE_FULL; the
        // ROLLBACK that follows would then fail and hide why the transaction failed.
        if (!alreadyRolledBack(err)) throw err;
      }
    },
    releaseConnection: (connection) => driver.releaseConnection(original(connection)),
    ...(driver.savepoint ? { savepoint: (c, name, compile) => driver.savepoint!(original(c), name, compile) } : {}),
    ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(original(c), name, compile) } : {}),
    ...(driver.releaseSavepoint ? { releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(original(c), name, compile) } : {}),
  };
}

function alreadyRolledBack(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'SQLITE_ERROR' && /no transaction is active/.test((err as Error).message);
}

/** About what a turn writes at most: less room than this and the next change may not fit. */
const PROBE_BYTES = 256 * 1024;

class ProbeDone extends Error {}

/**
 * Whether a write that needs new space would succeed now: a table and a blob of PROBE_BYTES in a
 * transaction that is then rolled back, so nothing stays behind. For a database file, the free
 * space of its file system is asked too, since a rolled-back SQLite write may never reach the disk.
 */
export async function probeWrite(db: Kysely<any>, dialect: 'sqlite' | 'postgres', file?: string): Promise<boolean> {
  if (file) {
    const fs = await statfs(file).catch(() => undefined);
    if (fs && fs.bavail * fs.bsize < PROBE_BYTES) return false;
  }
  try {
    await db.transaction().execute(async (trx) => {
      if (dialect === 'sqlite') {
        await sql`create table storage_probe (b blob)`.execute(trx);
        await sql`insert into storage_probe values (zeroblob(${PROBE_BYTES}))`.execute(trx);
      } else {
        await sql`create temporary table storage_probe (b bytea) on commit drop`.execute(trx);
        await sql`insert into storage_probe select decode(repeat('00', ${PROBE_BYTES}), 'hex')`.execute(trx);
      }
      throw new ProbeDone();
    });
  } catch (err) {
    if (err instanceof ProbeDone) return true;
    if (storageFullCode(err) !== undefined) return false;
    throw err;
  }
  return true;
}
