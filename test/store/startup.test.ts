import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { openStoreWhenReachable } from '../../src/store/startup.js';
import { freePort } from '../support/bot-process.js';
import { createDatabase } from '../support/postgres.js';

function recordingLogger() {
  const warnings: { obj: Record<string, unknown>; msg?: string }[] = [];
  return { warnings, logger: { info() {}, debug() {}, error() {}, warn: (obj: object, msg?: string) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) } };
}

describe('opening the store at start', () => {
  it('waits with growing pauses while the server cannot be reached, says why each time, then gives up naming the cause', async () => {
    const { warnings, logger } = recordingLogger();
    const pauses: number[] = [];
    const databaseUrl = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const opening = openStoreWhenReachable({ databaseUrl, logger }, { maxWaitMs: 1_200, logger, sleep: async (ms) => void pauses.push(ms) });
    await expect(opening).rejects.toThrow(/^database not reachable after 4 attempts over \d+ s: .*ECONNREFUSED/);
    expect(pauses).toEqual([250, 500, 1_000]);
    expect(warnings.map((w) => [w.msg, w.obj.attempt, String(w.obj.reason).includes('ECONNREFUSED')])).toEqual([
      ['database not reachable yet; trying again', 1, true],
      ['database not reachable yet; trying again', 2, true],
      ['database not reachable yet; trying again', 3, true],
    ]);
  });

  it('does not wait for what waiting cannot mend: a database that does not exist fails at once, with the cause', async () => {
    const { warnings, logger } = recordingLogger();
    const existing = await createDatabase(inject('postgresUrl'), `startup_${randomUUID().slice(0, 8)}`);
    const missing = new URL(existing);
    missing.pathname = `/absent_${randomUUID().slice(0, 8)}`;
    await expect(openStoreWhenReachable({ databaseUrl: missing.toString(), logger }, { maxWaitMs: 60_000, logger })).rejects.toThrow(/database migration failed: 3D000 .*does not exist/);
    expect(warnings).toEqual([]);
  });

  it('opens and migrates a reachable database on the first attempt', async () => {
    const { warnings, logger } = recordingLogger();
    const databaseUrl = await createDatabase(inject('postgresUrl'), `startup_${randomUUID().slice(0, 8)}`);
    const store = await openStoreWhenReachable({ databaseUrl, logger }, { maxWaitMs: 1_000, logger });
    try {
      expect(await store.health()).toMatchObject({ reachable: true, migrated: true });
      expect(warnings).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
