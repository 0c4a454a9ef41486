import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { STORAGE_FULL_LOG, isStorageFull } from '../../src/app/storage-full.js';
import { DependencyError } from '../../src/domain/errors.js';
import { createStore, migrate, openDatabase } from '../../src/store/database.js';
import { StorageWatch, probeWrite } from '../../src/store/storage-watch.js';
import { createDatabase } from '../support/postgres.js';

const AT = '2026-12-07T10:00:00.000Z';

/**
 * SQLite's own limit on the file's size (PRAGMA max_page_count) makes the engine fail a write with
 * the same SQLITE_FULL a full disk gives, on any machine.
 */
describe('a store whose disk is full', () => {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const logger = {
    info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => lines.push({ level: 'error', obj, msg }),
    debug: () => undefined,
  };
  let store: Store;
  let db: ReturnType<typeof openDatabase>['db'];

  beforeEach(async () => {
    lines.length = 0;
    const file = join(mkdtempSync(join(tmpdir(), 'council-full-')), 'db.sqlite');
    const watch = new StorageWatch(logger);
    ({ db } = openDatabase({ sqlitePath: file }, watch));
    await migrate(db);
    store = createStore(db, 'sqlite', { watch, file });
    await store.state.write([{ key: 'kept', data: { n: 1 } }], AT);
  });
  afterEach(async () => {
    await store.close();
  });

  async function capAtCurrentSize(extraPages: number): Promise<void> {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count + extraPages}`).execute(db);
  }

  it('fails the write with SQLITE_FULL, keeps the data intact, logs once and reports itself full', async () => {
    expect(await store.health()).toMatchObject({ reachable: true, migrated: true, storageFull: false });
    await capAtCurrentSize(2);
    const big = 'x'.repeat(256 * 1024);
    const failure = await store.state.write([{ key: 'big', data: big }], AT).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'SQLITE_FULL' });
    expect(isStorageFull(failure)).toBe(true);
    await expect(store.state.write([{ key: 'big2', data: big }], AT)).rejects.toMatchObject({ code: 'SQLITE_FULL' });

    expect(lines.filter((l) => l.level === 'error')).toEqual([{ level: 'error', obj: { code: 'SQLITE_FULL' }, msg: STORAGE_FULL_LOG }]);
    expect(await store.health()).toMatchObject({ reachable: true, migrated: true, storageFull: true });
    // Readiness asks again and again while it lasts; the probe leaves nothing behind.
    expect(await store.health()).toMatchObject({ storageFull: true });
    const { rows: check } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    expect(check).toEqual([{ integrity_check: 'ok' }]);
    const kept = await store.state.read(['kept', 'big', 'big2']);
    expect([...kept.keys()]).toEqual(['kept']);
    const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master where name = 'storage_probe'`.execute(db);
    expect(tables).toEqual([]);

    // Space is freed: the next readiness check notices without any user write.
    await sql.raw('pragma max_page_count = 1000000').execute(db);
    expect(await store.health()).toMatchObject({ storageFull: false });
    expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['disk space is available again: changes are saved']);
    await store.state.write([{ key: 'big', data: big }], AT);
    expect((await store.state.read(['big'])).size).toBe(1);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('clears by itself when a write that changes rows succeeds again', async () => {
    await capAtCurrentSize(2);
    await expect(store.state.write([{ key: 'big', data: 'x'.repeat(256 * 1024) }], AT)).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    await sql.raw('pragma max_page_count = 1000000').execute(db);
    await store.state.write([{ key: 'small', data: 1 }], AT);
    expect(lines.map((l) => l.level)).toEqual(['error', 'info']);
  });
});

describe('isStorageFull', () => {
  it('knows a full disk by SQLite, Node and PostgreSQL codes, through wrappers', () => {
    expect(isStorageFull(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isStorageFull(new DependencyError('database', { cause: Object.assign(new Error('could not extend file'), { code: '53100' }) }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isStorageFull(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isStorageFull('ENOSPC')).toBe(false);
  });
});

describe('the probe write on PostgreSQL', () => {
  it('succeeds with room to spare and leaves nothing behind', async () => {
    const databaseUrl = await createDatabase(inject('postgresUrl'), `probe_${randomUUID().slice(0, 8)}`);
    const { db } = openDatabase({ databaseUrl });
    try {
      await migrate(db);
      expect(await probeWrite(db, 'postgres')).toBe(true);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = 'storage_probe'`.execute(db);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});
