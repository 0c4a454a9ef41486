import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, Store } from '../../src/app/ports.js';
import { openStore } from '../../src/store/database.js';
import { startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';

/** What the Bot Connector client throws when Teams answers with an error status. */
function connectorError(statusCode: number): Error {
  return Object.assign(new Error(`Teams answered ${statusCode}`), { name: 'RestError', statusCode });
}

describe('the outbox sorting failed deliveries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-parking-'));
  const file = join(dir, 'db.sqlite');
  let store: Store;
  let now = Date.parse('2026-11-23T10:00:00.000Z');
  const at = () => new Date(now).toISOString();
  const logged: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    warn: (obj, msg) => logged.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => logged.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  const tried = new Map<string, number>();
  /** Teams, as each member's chat answers: the bot removed (403), throttled (429), or fine. */
  const proactive: Proactive = {
    inConversation: async () => undefined,
    toPerson: async (_via, person) => {
      tried.set(person.userId, (tried.get(person.userId) ?? 0) + 1);
      if (person.userId === '29:removed') throw connectorError(403);
      if (person.userId === '29:busy') throw connectorError(429);
      return 'personal';
    },
  };
  let outbox: ReturnType<typeof startOutbox>;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    store = await openStore({ sqlitePath: file });
    const kit = testTurnKit(store, { clock: { now: () => new Date(now) }, logger });
    const council = await store.councils.create(
      { id: randomUUID(), conversationId: `19:${randomUUID()}`, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at() },
      ['29:chair', '29:removed', '29:busy', '29:fine'].map((userId, i) => ({ userId, aadObjectId: null, name: `Ledamot ${i}`, email: null, role: i === 0 ? ('chair' as const) : ('member' as const), organisation: null, addedAt: at() })),
    );
    const due = new Date(now + 60_000).toISOString();
    for (const owner of ['29:removed', '29:busy', '29:fine']) {
      const item = { id: randomUUID(), councilId: council!.id, meetingId: null, agendaItemId: null, ownerUserId: owner, ownerName: 'Ledamot', text: 'Underlag', dueDate: null, status: 'open' as const, createdBy: '29:chair', createdAt: at(), completedAt: null };
      await store.actionItems.create(item, `ck-${owner}`, [{ key: `assigned:${owner}`, kind: 'actionAssigned', payload: { actionItemId: item.id }, dueAt: due }]);
    }
    await store.outbox.enqueue(
      [
        { key: 'unknown-kind', kind: 'noSuchKind', payload: {}, dueAt: due },
        { key: 'unreadable', kind: 'actionAssigned', payload: {}, dueAt: due },
      ],
      at(),
    );
    // A row written by hand or by an older version: its payload is not JSON.
    const raw = new Database(file);
    raw.prepare("update outbox set payload = '{\"actionItemId\":' where key = 'unreadable'").run();
    for (const row of raw.prepare('select id, key from outbox').all() as { id: string; key: string }[]) ids.set(row.key, row.id);
    raw.close();
    // Nothing is due yet: the loop's own first pass finds nothing, and each round below is one runOnce.
    outbox = startOutbox(kit, proactive, { intervalMs: 3_600_000, concurrency: 10 });
  });
  afterAll(async () => {
    await outbox?.stop();
    await store?.close();
  });

  /** Past any pause before the next attempt (a minute at most), then one pass. */
  async function round(): Promise<number> {
    now += 5 * 60_000;
    return outbox.runOnce();
  }

  it('parks a refused, an unhandled and an unreadable job on the third attempt and keeps retrying a throttled one', async () => {
    // A payload that does not parse takes nothing else down with it: all five are claimed.
    expect(await round()).toBe(5);
    expect(tried.get('29:fine')).toBe(1);
    expect(await round()).toBe(4);
    expect(await store.outbox.parkedCount()).toEqual({});
    expect(logged.filter((l) => l.msg?.includes('parked'))).toEqual([]);

    expect(await round()).toBe(4);
    expect(await store.outbox.parkedCount()).toEqual({ actionAssigned: 2, noSuchKind: 1 });
    const parked = await store.outbox.parked();
    expect(parked.map((j) => [j.key, j.attempts]).sort()).toEqual([
      ['assigned:29:removed', 3],
      ['unknown-kind', 3],
      ['unreadable', 3],
    ]);
    const errorOf = (key: string) => parked.find((j) => j.key === key)!.lastError;
    expect(errorOf('assigned:29:removed')).toBe('403: Teams answered 403');
    expect(errorOf('unknown-kind')).toBe('UndeliverableJobError: no handler for noSuchKind');
    expect(errorOf('unreadable')).toBe('UndeliverableJobError: the payload of the actionAssigned job is not JSON');
    expect(parked.every((j) => j.parkedAt === at())).toBe(true);

    // Said once each, with kind and id, never the payload.
    const notes = logged.filter((l) => l.msg === 'outbox job parked: it will not be retried until the admin does');
    expect(notes.map((l) => [l.level, l.obj.kind, l.obj.id, l.obj.attempts]).sort()).toEqual(
      [
        ['error', 'actionAssigned', ids.get('assigned:29:removed'), 3],
        ['error', 'actionAssigned', ids.get('unreadable'), 3],
        ['error', 'noSuchKind', ids.get('unknown-kind'), 3],
      ].sort(),
    );
    expect(JSON.stringify(notes.map((l) => ({ ...l.obj, err: undefined })))).not.toContain('actionItemId');

    // Later passes leave the parked jobs alone; the throttled one goes on being tried.
    for (let i = 0; i < 5; i++) expect(await round()).toBe(1);
    expect(tried.get('29:removed')).toBe(3);
    expect(tried.get('29:busy')).toBe(8);
    expect(tried.get('29:fine')).toBe(1);
    expect(await store.outbox.pending()).toBe(1);
    expect(logged.filter((l) => l.msg?.includes('parked'))).toHaveLength(3);
    const throttled = logged.filter((l) => l.obj.kind === 'actionAssigned' && l.obj.failure === '429');
    expect(throttled.map((l) => [l.level, l.obj.attempts, l.obj.permanent])).toEqual(Array.from({ length: 8 }, (_, i) => ['warn', i + 1, false]));
  });

  it('delivers a parked job the admin retries, from its first attempt, and never one dropped', async () => {
    const removed = ids.get('assigned:29:removed')!;
    expect(await store.outbox.unpark(removed, at())).toBe(true);
    expect(await store.outbox.drop(ids.get('unknown-kind')!, at())).toBe(true);
    expect(await store.outbox.parkedCount()).toEqual({ actionAssigned: 1 });
    await round();
    expect(tried.get('29:removed')).toBe(4);
    // Refused again: a fresh count, so it has its three attempts once more.
    expect((await store.outbox.parkedCount()).actionAssigned).toBe(1);
    await round();
    await round();
    expect(tried.get('29:removed')).toBe(6);
    expect(await store.outbox.parkedCount()).toEqual({ actionAssigned: 2 });
  });
});
