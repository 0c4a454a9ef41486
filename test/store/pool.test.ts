import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createDatabase } from '../support/postgres.js';

describe('the PostgreSQL pool of one instance', () => {
  it('holds at most DATABASE_POOL_MAX connections however many queries wait', async () => {
    const databaseUrl = await createDatabase(inject('postgresUrl'), `pool_${randomUUID().slice(0, 8)}`);
    const name = new URL(databaseUrl).pathname.slice(1);
    const { db } = openDatabase({ databaseUrl, poolMax: 2 });
    const watcher = openDatabase({ databaseUrl, poolMax: 1 }).db;
    try {
      const busy = Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.3)`.execute(db)));
      await new Promise((r) => setTimeout(r, 150));
      const open = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name} and query like '%pg_sleep%' and pid <> pg_backend_pid()`.execute(watcher);
      expect(open.rows[0]!.n).toBe(2);
      await busy;
    } finally {
      await db.destroy();
      await watcher.destroy();
    }
  });
});
