import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StoreUnavailableError } from '../../src/domain/errors.js';
import { openDatabase } from '../../src/store/database.js';
import { createDatabase } from '../support/postgres.js';

/**
 * pg_terminate_backend ends a session with 57P01 "terminating connection due to administrator
 * command", exactly what every session gets when the server restarts or fails over; here it
 * reaches only this file's database, so the run's shared server keeps serving the others.
 */
describe('PostgreSQL sessions the server ends', () => {
  let databaseUrl = '';
  let name = '';
  let db: Kysely<any>;
  let watcher: Kysely<any>;
  const warnings: string[] = [];
  const logger = { info() {}, debug() {}, error() {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };

  const terminateOthers = () =>
    sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`.execute(watcher);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    databaseUrl = await createDatabase(inject('postgresUrl'), `loss_${randomUUID().slice(0, 8)}`);
    name = new URL(databaseUrl).pathname.slice(1);
    db = openDatabase({ databaseUrl, poolMax: 4, logger }).db as Kysely<any>;
    watcher = openDatabase({ databaseUrl, poolMax: 1 }).db as Kysely<any>;
    await sql`create table marks (id text primary key)`.execute(db);
    // Runs at COMMIT and holds it there, so a session can be ended while its COMMIT is on its way.
    await sql`create table slow_commits (id text primary key)`.execute(db);
    await sql`create function sleep_at_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(1); return null; end $$`.execute(db);
    await sql`create constraint trigger slow after insert on slow_commits deferrable initially deferred for each row execute function sleep_at_commit()`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await watcher?.destroy();
  });

  it('drops idle sessions the server ended, with one warning each, and connects anew', async () => {
    await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(db)));
    warnings.length = 0;
    await terminateOthers();
    await sleep(200);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w === 'database connection dropped; the pool will reconnect')).toBe(true);
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('fails a transaction whose session ends before COMMIT as not committed, and keeps nothing of it', async () => {
    const id = randomUUID();
    const failed = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('marks').values({ id }).execute();
        await sql`select pg_sleep(1)`.execute(trx);
      })
      .catch((err: unknown) => err);
    await sleep(300);
    await terminateOthers();
    const err = await failed;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).outcome).toBe('not-committed');
    expect(await db.selectFrom('marks').selectAll().where('id', '=', id).execute()).toEqual([]);
  });

  it('fails a transaction whose session ends while COMMIT is on its way as of unknown outcome', async () => {
    const failed = db
      .transaction()
      .execute((trx) => trx.insertInto('slow_commits').values({ id: randomUUID() }).execute())
      .catch((err: unknown) => err);
    await sleep(300);
    await terminateOthers();
    const err = await failed;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).outcome).toBe('unknown');
  });

  it('fails a write on its own whose session ends as of unknown outcome, a read as not committed', async () => {
    const write = db
      .insertInto('marks')
      .columns(['id'])
      .expression(sql`select ${randomUUID()}::text from pg_sleep(1)` as never)
      .execute()
      .catch((err: unknown) => err);
    const read = sql`select pg_sleep(1)`.execute(db).catch((err: unknown) => err);
    const selected = db.selectFrom(sql`pg_sleep(1)`.as('s') as never).selectAll().execute().catch((err: unknown) => err);
    await sleep(300);
    await terminateOthers();
    expect(((await write) as StoreUnavailableError).outcome).toBe('unknown');
    expect(((await selected) as StoreUnavailableError).outcome).toBe('not-committed');
    // A raw statement could be anything: not known either.
    expect(((await read) as StoreUnavailableError).outcome).toBe('unknown');
  });

  it('fails at once when the server cannot be reached, as not committed', async () => {
    const url = new URL(databaseUrl);
    url.port = '1';
    const { db: nowhere } = openDatabase({ databaseUrl: url.toString() });
    try {
      const err = await sql`select 1`.execute(nowhere).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).outcome).toBe('not-committed');
    } finally {
      await nowhere.destroy();
    }
  });
});
