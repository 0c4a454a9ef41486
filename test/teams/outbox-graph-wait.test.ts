import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Calendar, CalendarEventInput, Logger, Store } from '../../src/app/ports.js';
import { guardCredentials } from '../../src/graph/credentials-gate.js';
import { openStore } from '../../src/store/database.js';
import { startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';

/** What MSAL throws when Entra ID answers 401 invalid_client for a wrong secret. */
function invalidClient(): Error {
  return Object.assign(new Error('invalid_client: Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.'), {
    name: 'ServerError',
    errorCode: 'invalid_client',
    errorNo: '7000215',
    status: 401,
  });
}

describe('outbox jobs needing Graph while Entra ID refuses the secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-graph-wait-'));
  const file = join(dir, 'db.sqlite');
  let store: Store;
  let now = Date.parse('2026-11-23T10:00:00.000Z');
  const noop = () => undefined;
  const logger: Logger = { info: noop, debug: noop, warn: noop, error: noop };
  let secretWorks = false;
  let tokenRequests = 0;
  const gate = guardCredentials(
    {
      async token() {
        tokenRequests += 1;
        if (!secretWorks) throw invalidClient();
        return 'token';
      },
      invalidate: noop,
    },
    { firstProbeMs: 20, maxProbeMs: 80, logger, now: () => now },
  );
  const created: CalendarEventInput[] = [];
  // Graph's calendar as the bot's adapter uses it: a token first, for every request.
  const calendar: Calendar = {
    async createEvent(_mailbox, event) {
      await gate.token();
      created.push(event);
      return { id: 'event-1', subject: event.subject, startsAt: event.startsAt, endsAt: event.endsAt, place: event.place, categories: event.categories, cancelled: false, onlineUrl: null };
    },
    getEvent: async () => undefined,
    updateEvent: async () => undefined,
    allowsTeams: async () => true,
    createTeamsMeeting: async () => 'https://teams.microsoft.com/l/meetup-join/x',
    mailboxOf: async () => undefined,
    cancelEvent: async () => undefined,
    changes: async () => ({ changes: [], deltaLink: 'https://graph.example/delta' }),
    event: async () => undefined,
  };
  const proactive: Proactive = { inConversation: async () => undefined, toPerson: async () => 'personal' };
  let outbox: ReturnType<typeof startOutbox>;
  const row = () => {
    const db = new Database(file, { readonly: true });
    const r = db.prepare("select attempts, parked_at, sent_at, last_error from outbox where kind = 'calendarPush'").get() as { attempts: number; parked_at: string | null; sent_at: string | null; last_error: string | null };
    db.close();
    return r;
  };

  beforeAll(async () => {
    store = await openStore({ sqlitePath: file });
    const kit = testTurnKit(store, { clock: { now: () => new Date(now) }, logger, calendar, graphAccess: gate });
    const at = new Date(now).toISOString();
    const council = (await store.councils.create(
      { id: randomUUID(), conversationId: `19:${randomUUID()}`, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at },
      [{ userId: '29:chair', aadObjectId: null, name: 'Åsa', email: null, role: 'chair', organisation: null, addedAt: at }],
    ))!;
    await store.councils.setCalendar(council.id, { mailbox: 'radet@region.se', category: 'Vårdvalsråd', subjectRule: null }, council.version, at);
    const meeting = {
      id: randomUUID(),
      councilId: council.id,
      title: 'Vårdvalsråd',
      startsAt: '2026-12-03T12:00:00.000Z',
      endsAt: '2026-12-03T15:00:00.000Z',
      place: 'Regionens hus',
      online: false,
      onlineUrl: null,
      status: 'planned' as const,
      externalEventId: null,
      agendaCardActivityId: null,
      createdBy: '29:chair',
      createdAt: at,
    };
    await store.meetings.create([{ meeting, agenda: [] }], [{ key: `calendar-push:${meeting.id}`, kind: 'calendarPush', payload: { meetingId: meeting.id }, dueAt: at }]);
    outbox = startOutbox(kit, proactive, { intervalMs: 60_000, concurrency: 10 });
  });
  afterAll(async () => {
    await outbox?.stop();
    await store?.close();
  });

  it('waits for the next probe without the attempt counting, is never parked, and goes out once the secret works', async () => {
    await outbox.runOnce();
    expect(gate.status().status).toBe('credentials-rejected');
    // Far more rounds than the 3 attempts that park a job failing for good.
    for (let round = 0; round < 8; round++) {
      now += 60_000;
      await outbox.runOnce();
      expect(row()).toMatchObject({ attempts: 0, parked_at: null, sent_at: null, last_error: 'waiting: Graph refuses the app credentials' });
    }
    expect(created).toHaveLength(0);
    secretWorks = true;
    const probesBefore = tokenRequests;
    for (let i = 0; i < 100 && gate.status().status !== 'ok'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gate.status()).toEqual({ status: 'ok' });
    expect(tokenRequests - probesBefore).toBe(1);
    now += 60_000;
    await outbox.runOnce();
    expect(created.map((e) => e.subject)).toEqual(['Vårdvalsråd']);
    expect(row()).toMatchObject({ parked_at: null, sent_at: expect.any(String) });
  });
});
