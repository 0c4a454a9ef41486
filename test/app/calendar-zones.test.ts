import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { syncCalendar } from '../../src/app/calendar.js';
import type { Logger, Store } from '../../src/app/ports.js';
import { graphCalendar } from '../../src/graph/calendar.js';
import type { GraphHttp, GraphRequest } from '../../src/graph/http.js';
import { openStore } from '../../src/store/database.js';
import { calendarStatusText } from '../../src/teams/calendar-handlers.js';
import { startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';

const mailbox = 'radet@region.se';
const deltaLink = `https://graph.microsoft.com/v1.0/users/${mailbox}/calendarView/delta?$deltatoken=round-1`;

/** A delta item as Graph writes it, with start and end in the zone given (as when the UTC preference is not applied). */
function item(id: string, subject: string, start: string, end: string, timeZone: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.event',
    id,
    subject,
    type: 'singleInstance',
    categories: ['Vårdvalsråd'],
    isCancelled: false,
    location: { displayName: 'Regionens hus' },
    onlineMeeting: null,
    originalStartTimeZone: timeZone,
    originalEndTimeZone: timeZone,
    start: { dateTime: `${start}:00.0000000`, timeZone },
    end: { dateTime: `${end}:00.0000000`, timeZone },
  };
}

// Every event is 13.00–15.00 in Stockholm (UTC+1 in December) when read right: 12.00–14.00 UTC.
const events = [
  item('pacific', 'Vårdvalsråd Los Angeles', '2026-12-03T04:00', '2026-12-03T06:00', 'Pacific Standard Time'),
  item('west', 'Vårdvalsråd Berlin', '2026-12-04T13:00', '2026-12-04T15:00', 'W. Europe Standard Time'),
  item('romance', 'Vårdvalsråd Paris', '2026-12-07T13:00', '2026-12-07T15:00', 'Romance Standard Time'),
  item('iana', 'Vårdvalsråd Helsingfors', '2026-12-08T14:00', '2026-12-08T16:00', 'Europe/Helsinki'),
  item('custom', 'Vårdvalsråd inbjudan', '2026-12-09T13:00', '2026-12-09T15:00', 'tzone://Microsoft/Custom'),
  item('unknown', 'Vårdvalsråd okänd zon', '2026-12-10T13:00', '2026-12-10T15:00', 'Olympus Mons Standard Time'),
];

describe('calendar events in any time zone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-zones-'));
  let store: Store;
  const now = Date.parse('2026-11-23T10:00:00.000Z');
  const noop = () => undefined;
  const warnings: string[] = [];
  const logger: Logger = { info: noop, debug: noop, warn: (_o: unknown, message?: string) => void warnings.push(message ?? ''), error: noop };
  const requests: GraphRequest[] = [];
  const http: GraphHttp = {
    async call<T>(request: GraphRequest, schema: z.ZodType<T>): Promise<T> {
      requests.push(request);
      if (!request.path.includes('/calendarView/delta')) throw new Error(`unexpected ${request.method} ${request.path}`);
      return schema.parse({ value: events, '@odata.deltaLink': deltaLink });
    },
    send: async () => 204,
    upload: async () => {
      throw new Error('no uploads here');
    },
    download: async () => new Uint8Array(),
  };
  const said: { conversationId: string; text: string }[] = [];
  const proactive: Proactive = {
    async inConversation(conversationId, logic) {
      const context = { sendActivity: async (a: string | { text?: string }) => void said.push({ conversationId, text: typeof a === 'string' ? a : (a.text ?? '') }) };
      await logic(context as never);
    },
    toPerson: async () => 'personal',
  };
  let councilId = '';
  const conversationId = `19:${randomUUID()}@thread.v2`;

  beforeAll(async () => {
    store = await openStore({ sqlitePath: join(dir, 'db.sqlite') });
    const at = new Date(now).toISOString();
    const council = (await store.councils.create(
      { id: randomUUID(), conversationId, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at },
      [{ userId: '29:chair', aadObjectId: null, name: 'Åsa', email: null, role: 'chair', organisation: null, addedAt: at }],
    ))!;
    await store.councils.setCalendar(council.id, { mailbox, category: 'Vårdvalsråd', subjectRule: null }, council.version, at);
    councilId = council.id;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('keeps every event, each at its instant; one in a zone nobody knows is read in the council’s zone and told to the chair', async () => {
    const kit = testTurnKit(store, { clock: { now: () => new Date(now) }, logger, calendar: graphCalendar(http) });
    await syncCalendar(kit.calendarDeps, councilId, 0);

    // Graph is still asked for UTC: the zones above are what it answers when it does not apply that.
    expect(requests[0]!.headers?.Prefer).toContain('outlook.timezone="UTC"');
    const meetings = await store.meetings.upcoming(councilId, new Date(now).toISOString(), 50);
    const byEvent = Object.fromEntries(meetings.map((m) => [m.externalEventId, [m.startsAt, m.endsAt]]));
    const day = (d: string) => [`2026-12-${d}T12:00:00.000Z`, `2026-12-${d}T14:00:00.000Z`];
    expect(byEvent).toEqual({ pacific: day('03'), west: day('04'), romance: day('07'), iana: day('08'), custom: day('09'), unknown: day('10') });

    const outbox = startOutbox(kit, proactive, { intervalMs: 60_000, concurrency: 4 });
    try {
      await outbox.runOnce();
    } finally {
      await outbox.stop();
    }
    const zoneNotes = said.filter((s) => s.text.includes('tidszon som appen inte känner till'));
    expect(zoneNotes.map((s) => s.conversationId)).toEqual([conversationId, conversationId]);
    const custom = zoneNotes.find((s) => s.text.includes('tzone://Microsoft/Custom'))!;
    expect(custom.text).toContain('”Vårdvalsråd inbjudan”');
    expect(custom.text).toContain('Europe/Stockholm');
    expect(custom.text).toMatch(/13[.:]00/);
    expect(zoneNotes.find((s) => s.text.includes('Olympus Mons Standard Time'))!.text).toContain('”Vårdvalsråd okänd zon”');
    expect(warnings).toContain('calendar events in an unknown time zone were read in the council time zone');

    // The next round reports the same events: the chair is not told again.
    said.length = 0;
    await syncCalendar(kit.calendarDeps, councilId, 1);
    const again = startOutbox(kit, proactive, { intervalMs: 60_000, concurrency: 4 });
    try {
      await again.runOnce();
    } finally {
      await again.stop();
    }
    expect(said.filter((s) => s.text.includes('tidszon'))).toEqual([]);

    // `kalender` names both until they are mended in Outlook.
    const status = async () => calendarStatusText('sv', (await store.councils.findById(councilId))!, await store.calendarSync.find(councilId), true, 300_000);
    const before = await status();
    expect(before).toContain('De här händelserna har en tidszon som appen inte känner till och läses i rådets tidszon, Europe/Stockholm');
    expect(before).toContain('”Vårdvalsråd inbjudan” (tzone://Microsoft/Custom)');
    expect(before).toContain('”Vårdvalsråd okänd zon” (Olympus Mons Standard Time)');

    // The invitation is given a known zone in Outlook: the next delta round reports it, and it leaves the list.
    events.length = 0;
    events.push(item('custom', 'Vårdvalsråd inbjudan', '2026-12-09T13:00', '2026-12-09T15:00', 'W. Europe Standard Time'));
    await syncCalendar(kit.calendarDeps, councilId, 2);
    const after = await status();
    expect(after).not.toContain('tzone://Microsoft/Custom');
    expect(after).toContain('”Vårdvalsråd okänd zon” (Olympus Mons Standard Time)');
    const english = calendarStatusText('en', (await store.councils.findById(councilId))!, await store.calendarSync.find(councilId), true, 300_000);
    expect(english).toContain("These events are in a time zone the app does not know and are read in the council's time zone, Europe/Stockholm");
    expect(english).toContain('“Vårdvalsråd okänd zon” (Olympus Mons Standard Time)');
    expect((await store.meetings.findByExternalEvent(councilId, 'custom'))?.startsAt).toBe('2026-12-09T12:00:00.000Z');
  });
});
