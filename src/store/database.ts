import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Logger, Store, StoreHealth } from '../app/ports.js';
import { GuardedPostgresDialect, describeCause } from './connection-loss.js';
import { KyselyCalendarSyncRepository } from './calendar-sync-repository.js';
import { KyselyJusteringRepository } from './justering-repository.js';
import { purgeMeetingsBefore } from './retention.js';
import { KyselyConversationRepository } from './conversation-repository.js';
import { KyselyCouncilRepository } from './council-repository.js';
import { KyselyMeetingRepository } from './meeting-repository.js';
import { latestMigration, migrationProvider } from './migrations.js';
import { KyselyActionItemRepository, KyselyAttendanceRepository, KyselyDecisionRepository } from './record-repositories.js';
import type { Database } from './schema.js';
import { KyselyOutboxRepository } from './outbox-repository.js';
import { KyselyNominationRepository } from './nomination-repository.js';
import { KyselyPollRepository } from './poll-repository.js';
import { KyselyStateRepository } from './state-repository.js';
import { StorageWatch, probeWrite, watchedDialect } from './storage-watch.js';

/**
 * `poolMax`: connections one instance may hold; all instances together must stay under the server's limit.
 * `logger`: where connections the server dropped are reported.
 */
export type StoreOptions = { databaseUrl: string; poolMax?: number; logger?: Logger } | { sqlitePath: string };

/** A connect that hangs (a failover moving the address) must not hold a turn or /readyz for long. */
const CONNECT_TIMEOUT_MS = 5_000;

export function openDatabase(options: StoreOptions, watch = new StorageWatch()): { db: Kysely<Database>; dialect: Store['dialect'] } {
  if ('databaseUrl' in options) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // The server ends idle sessions on every restart, failover and maintenance window (57P01); pg
    // reports that on the pool, and an unhandled 'error' event ends the process. The pool has
    // already dropped the client and connects anew on the next query.
    pool.on('error', (err) => {
      options.logger?.warn({ reason: describeCause(err) }, 'database connection dropped; the pool will reconnect');
    });
    // A client lent to a query has no pool listener: its query fails with the cause, and this keeps
    // the client's own 'error' event from being unhandled too.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return { db: new Kysely<Database>({ dialect: watchedDialect(new GuardedPostgresDialect({ pool }), watch) }), dialect: 'postgres' };
  }
  // The folder holds the database (and, on one machine, the anonymous vote key): the bot's alone.
  if (options.sqlitePath !== ':memory:') mkdirSync(dirname(options.sqlitePath), { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(options.sqlitePath);
  // WAL lets /readyz and reads proceed while a turn writes; busy_timeout rides out a second process.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Deleted rows are zeroed in their pages, not left behind: a closed anonymous poll's ballots
  // must not be readable from the file (see KyselyPollRepository.close and scrubDeleted).
  sqlite.pragma('secure_delete = ON');
  cachePreparedStatements(sqlite);
  return { db: new Kysely<Database>({ dialect: watchedDialect(new SqliteDialect({ database: sqlite }), watch) }), dialect: 'sqlite' };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; the bot runs the same few statements on every turn, so
 * keep them prepared (bounded: `in (…)` lists make new texts).
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    // The cause goes in the message: a start-up log shows only the message and stack.
    const cause = error === undefined ? '' : `: ${describeCause(error)}`;
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}${cause}`, { cause: error });
  }
}

/** `logger` hears, once per occurrence, that the disk is full and that it is no longer. */
export async function openStore(options: StoreOptions, logger?: Logger): Promise<Store> {
  const watch = new StorageWatch(logger);
  const { db, dialect } = openDatabase(options, watch);
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const file = 'sqlitePath' in options && options.sqlitePath !== ':memory:' ? options.sqlitePath : undefined;
  return createStore(db, dialect, { watch, file });
}

export function createStore(db: Kysely<Database>, dialect: Store['dialect'], storage?: { watch: StorageWatch; file?: string }): Store {
  return {
    dialect,
    councils: new KyselyCouncilRepository(db),
    meetings: new KyselyMeetingRepository(db),
    decisions: new KyselyDecisionRepository(db),
    actionItems: new KyselyActionItemRepository(db),
    attendance: new KyselyAttendanceRepository(db),
    conversations: new KyselyConversationRepository(db),
    state: new KyselyStateRepository(db),
    polls: new KyselyPollRepository(db, dialect),
    outbox: new KyselyOutboxRepository(db, dialect),
    nominations: new KyselyNominationRepository(db),
    calendarSync: new KyselyCalendarSyncRepository(db),
    justering: new KyselyJusteringRepository(db, dialect),
    purgeMeetingsBefore: (before, limit) => purgeMeetingsBefore(db, before, limit),
    health: () =>
      withinHealthTimeout(
        (async () => ({ ...(await checkHealth(db)), ...(storage ? { storageFull: await stillFull(db, dialect, storage) } : {}) }))(),
      ),
    close: () => db.destroy(),
  };
}

/** /readyz must answer while the database is away, not wait for a connect to give up. */
const HEALTH_TIMEOUT_MS = 2_000;

async function withinHealthTimeout(check: Promise<StoreHealth>): Promise<StoreHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<StoreHealth>((resolve) => {
    timer = setTimeout(() => resolve({ reachable: false, migrated: false, detail: `no answer within ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkHealth(db: Kysely<Database>): Promise<StoreHealth> {
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    return { reachable: false, migrated: false, detail: (err as Error).message };
  }
  try {
    const row = await db
      .selectFrom('kysely_migration' as any)
      .select(sql<string>`max(name)`.as('latest'))
      .executeTakeFirst();
    const latest = (row as { latest?: string } | undefined)?.latest;
    return { reachable: true, migrated: latest === latestMigration, detail: latest ?? 'none' };
  } catch (err) {
    return { reachable: true, migrated: false, detail: (err as Error).message };
  }
}

/** While writes fail for lack of space, each readiness check tries one, so recovery is noticed. */
async function stillFull(db: Kysely<Database>, dialect: Store['dialect'], storage: { watch: StorageWatch; file?: string }): Promise<boolean> {
  if (!storage.watch.full) return false;
  const fits = await probeWrite(db, dialect, storage.file).catch(() => false);
  if (fits) storage.watch.wrote();
  return !fits;
}
