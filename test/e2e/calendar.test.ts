import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { until as waitUntil } from '../support/until.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, sentText } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const zone = 'Europe/Stockholm';
const mailbox = 'vardvalsradet@region.se';
const deniedMailbox = 'hemligt@region.se';
const text = cardText;

function daysAhead(days: number): string {
  return utcToZoned(new Date(Date.now() + days * 86_400_000).toISOString(), zone).date;
}

// This file's waits give up sooner than the shared default.
const until = <T>(probe: Parameters<typeof waitUntil<T>>[0], what: string, timeoutMs = 15_000) => waitUntil(probe, what, timeoutMs);

interface MeetingRow {
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string | null;
  status: string;
  external_event_id: string | null;
  online_url: string | null;
  version: number;
}

describe('the council calendar through Graph', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const other: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const roster = [
    { ...chair, email: 'asa.ordforande@region.se' },
    { ...bjorn, email: 'bjorn.berg@region.se' },
    { ...cecilia, email: 'cecilia.ek@region.se' },
  ];

  const meetings = (): MeetingRow[] => {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const rows = db.prepare('select m.* from meetings m join councils c on c.id = m.council_id where c.conversation_id = ? order by starts_at').all(chat.id) as MeetingRow[];
    db.close();
    return rows;
  };
  const reminderKeys = (meetingId: string): string[] => {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const rows = db.prepare("select key from outbox where kind = 'meetingReminder' and key like ?").all(`meeting-reminder:${meetingId}:%`) as { key: string }[];
    db.close();
    return rows.map((r) => r.key);
  };

  async function say(where: Conversation, who: User, message: string): Promise<string> {
    connector.reset();
    expect((await client.say(where, who, message)).status).toBe(200);
    return sentText(connector, where.id);
  }
  const chatTexts = () => connector.sent(chat.id).map((c) => c.body.text ?? '');

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [mailbox] });
    graph.denyMailbox(deniedMailbox, 403);
    await connector.start();
    connector.setRoster(chat.id, roster);
    connector.setRoster(other.id, roster);
    bot = await new BotProcess({
      env: {
        OUTBOX_POLL_MS: '100',
        CALENDAR_SYNC_MS: '1000',
        CALENDAR_AGENDA_DELAY_MS: '1000',
        ...graph.botEnv(),
      },
    }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: zone });
    await client.execute(other, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'sv', timeZone: zone });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('lets only the chair connect a calendar, and refuses what is not a mailbox', async () => {
    expect(await say(chat, chair, 'kalender')).toContain('Rådet har ingen kopplad kalender');
    expect(await say(chat, bjorn, `kalender: ${mailbox}`)).toContain('Det här får bara rådets ordförande');
    expect(await say(chat, chair, 'kalender: vårdvalsrådet')).toContain('är ingen e-postadress');
    const connected = await say(chat, chair, `kalender: ${mailbox}`);
    expect(connected).toContain(`Rådets kalender är kopplad: ${mailbox}`);
    expect(connected).toContain('Händelser med kategorin "Vårdvalsråd" räknas som rådets möten.');
    expect(await say(chat, chair, 'kalender ämne: Vårdvalsråd')).toContain('eller med "Vårdvalsråd" i ämnet');
    await until(async () => (await say(chat, chair, 'kalender')).includes('Senast synkad'), 'the first sync');
  });

  it('puts a meeting planned in the bot into the calendar, with the agenda, the members and a Teams link', async () => {
    const date = daysAhead(20);
    await say(chat, chair, `nytt möte ${date} 13:00-16:00 Regionens hus, sal A`);
    await say(chat, chair, 'dagordning:\n- Förfrågningsunderlag 2027 (Anna Ek)\n- Budget');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
    const meeting = await until(() => meetings().find((m) => m.external_event_id), 'the event id saved on the meeting');
    const event = await until(() => graph.events(mailbox).find((e) => e.id === meeting.external_event_id && e.body.content.includes('Budget')), 'the agenda in the event');
    expect(event.subject).toBe('Vårdvalsråd');
    expect(event.start).toMatchObject({ dateTime: expect.stringMatching(new RegExp(`^${zonedToUtc(date, '13:00', zone).slice(0, 19)}`)), timeZone: 'UTC' });
    expect(event.location.displayName).toBe('Regionens hus, sal A');
    expect(event.categories).toEqual(['Vårdvalsråd']);
    expect(event.transactionId).toBe(meeting.id);
    expect(event.attendees.map((a) => a.emailAddress.address).sort()).toEqual(['asa.ordforande@region.se', 'bjorn.berg@region.se', 'cecilia.ek@region.se']);
    expect(event.body.content).toContain('Förfrågningsunderlag 2027');
    expect(event.body.content).toContain('(Anna Ek)');

    // Online: the event asks Teams for a meeting, and its join link comes back to the bot.
    await say(chat, chair, `nytt möte ${daysAhead(21)} 09:00-10:00 Teams`);
    const online = await until(() => meetings().find((m) => m.online_url), 'the Teams link');
    expect(online.online_url).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect(graph.events(mailbox).find((e) => e.id === online.external_event_id)?.isOnlineMeeting).toBe(true);
  });

  it('moves and cancels the event when the meeting is changed in the bot', async () => {
    const meeting = meetings()[0]!;
    const card = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    const moved = daysAhead(22);
    const answer = await client.execute(chat, chair, findAction(card, 'meeting.update'), { mDate: moved, mStart: '10:00', mEnd: '12:00', mPlace: 'Regionens hus, sal B' });
    expect(text(answer.card)).toContain('Mötet är ändrat.');
    await until(() => graph.events(mailbox).find((e) => e.id === meeting.external_event_id && e.location.displayName === 'Regionens hus, sal B'), 'the moved event');
    const event = graph.events(mailbox).find((e) => e.id === meeting.external_event_id)!;
    expect(`${event.start.dateTime.slice(0, 19)}Z`).toBe(zonedToUtc(moved, '10:00', zone).replace('.000Z', 'Z'));

    const second = meetings().find((m) => m.id !== meeting.id)!;
    const secondCard = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId: second.id } })).card;
    expect(text((await client.execute(chat, chair, findAction(secondCard, 'meeting.cancel'))).card)).toContain('är inställt');
    await until(() => !graph.events(mailbox).some((e) => e.id === second.external_event_id), 'the cancelled event gone');
  });

  it('follows changes made in Outlook: a moved, a deleted and a new meeting, each told in the chat', async () => {
    const meeting = meetings().find((m) => m.status === 'planned')!;
    const day = daysAhead(24);
    connector.reset();
    graph.outlookUpdate(mailbox, meeting.external_event_id!, { start: zonedToUtc(day, '14:00', zone), end: zonedToUtc(day, '15:30', zone), location: 'Stadshuset' });
    const movedRow = await until(() => meetings().find((m) => m.id === meeting.id && m.place === 'Stadshuset'), 'the meeting moved from Outlook');
    expect(movedRow.starts_at).toBe(zonedToUtc(day, '14:00', zone));
    expect(reminderKeys(meeting.id).some((k) => k.includes(zonedToUtc(day, '14:00', zone)))).toBe(true);
    await until(() => chatTexts().find((t) => t.includes('flyttades i kalendern')), 'the notice of the move');

    const created = graph.outlookCreate(mailbox, { subject: 'Extra Vårdvalsråd', start: zonedToUtc(daysAhead(30), '09:00', zone), end: zonedToUtc(daysAhead(30), '11:00', zone), location: 'Regionens hus' });
    const byCategory = graph.outlookCreate(mailbox, { subject: 'Arbetsmöte', start: zonedToUtc(daysAhead(31), '09:00', zone), end: zonedToUtc(daysAhead(31), '10:00', zone), categories: ['vårdvalsråd'] });
    const unrelated = graph.outlookCreate(mailbox, { subject: 'Lunch med leverantör', start: zonedToUtc(daysAhead(30), '12:00', zone), end: zonedToUtc(daysAhead(30), '13:00', zone) });
    await until(() => meetings().find((m) => m.external_event_id === byCategory.id), 'the meeting found by category');
    const fromOutlook = await until(() => meetings().find((m) => m.external_event_id === created.id), 'the meeting found by subject');
    expect(fromOutlook).toMatchObject({ title: 'Extra Vårdvalsråd', place: 'Regionens hus', status: 'planned' });
    expect(meetings().some((m) => m.external_event_id === unrelated.id)).toBe(false);
    expect(reminderKeys(fromOutlook.id)).toHaveLength(2);
    await until(() => chatTexts().find((t) => t.includes('Nytt möte från kalendern: Extra Vårdvalsråd')), 'the notice of the new meeting');
    // The agenda card of a meeting from Outlook has its standing items, like any other.
    const agenda = (await client.execute(chat, bjorn, { verb: 'agenda.show', data: { meetingId: fromOutlook.id } })).card;
    expect(text(agenda)).toContain('Extra Vårdvalsråd');

    graph.outlookDelete(mailbox, created.id);
    await until(() => meetings().find((m) => m.id === fromOutlook.id && m.status === 'cancelled'), 'the meeting cancelled from Outlook');
    await until(() => chatTexts().find((t) => t.includes('ställdes in i kalendern')), 'the notice of the cancellation');
    // The bot's own events, seen by the sync, made no meeting twice.
    const ids = meetings().map((m) => m.external_event_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads a calendar over several delta pages, and then only the changes', async () => {
    graph.maxPageSize = 3;
    const before = graph.requests.length;
    for (let i = 0; i < 7; i += 1) {
      const day = daysAhead(40 + i);
      graph.outlookCreate(mailbox, { subject: `Vårdvalsråd ${i + 1}`, start: zonedToUtc(day, '09:00', zone), end: zonedToUtc(day, '10:00', zone) });
    }
    // A new mailbox rule makes the next round a full one, over pages of three.
    await say(chat, chair, 'kalender kategori: Vårdvalsråd primärvård');
    await until(() => meetings().filter((m) => /^Vårdvalsråd \d$/.test(m.title)).length === 7, 'seven meetings from seven events');
    const delta = graph.requests.slice(before).filter((r) => r.path.endsWith('/calendarView/delta'));
    expect(delta.some((r) => r.query.$skiptoken)).toBe(true);
    await until(() => graph.requests.slice(before).some((r) => r.path.endsWith('/calendarView/delta') && r.query.$deltatoken && r.status === 200), 'a round from the delta link');
  });

  it('keeps Stockholm wall time in the daylight-saving weeks, both ways', async () => {
    // Summer time starts 28 March 2027 and ends 31 October 2027.
    await say(chat, chair, 'nytt möte 2027-03-29 09:00-10:00 Regionens hus');
    const spring = await until(() => meetings().find((m) => m.starts_at === '2027-03-29T07:00:00.000Z' && m.external_event_id), 'the spring meeting in the calendar');
    const event = graph.events(mailbox).find((e) => e.id === spring.external_event_id)!;
    expect(event.start.dateTime.slice(0, 16)).toBe('2027-03-29T07:00');
    // Its reminders: a week before at 08.00 winter time, and the day before (the change day) at 08.00 summer time.
    expect(reminderKeys(spring.id).sort()).toEqual([
      `meeting-reminder:${spring.id}:2027-03-29T07:00:00.000Z:1`,
      `meeting-reminder:${spring.id}:2027-03-29T07:00:00.000Z:7`,
    ]);
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const due = db.prepare('select due_at from outbox where key like ? order by due_at').all(`meeting-reminder:${spring.id}:%`) as { due_at: string }[];
    db.close();
    expect(due.map((d) => d.due_at)).toEqual(['2027-03-22T07:00:00.000Z', '2027-03-28T06:00:00.000Z']);

    const autumn = graph.outlookCreate(mailbox, { subject: 'Vårdvalsråd höst', start: '2027-10-31T08:00:00.000Z', end: '2027-10-31T10:00:00.000Z' });
    const meeting = await until(() => meetings().find((m) => m.external_event_id === autumn.id), 'the autumn meeting from Outlook');
    const card = (await client.execute(chat, bjorn, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    expect(text(card)).toMatch(/31 oktober 2027.*09\.00/);
  });

  it('waits out throttling as Graph asks, and fetches a new token when the old one expires', async () => {
    const tokensBefore = graph.tokenRequests;
    graph.expireTokens();
    graph.throttle(2, 1, '/events');
    const started = Date.now();
    const date = daysAhead(50);
    await say(chat, chair, `nytt möte ${date} 13:00-14:00 Regionens hus`);
    const meeting = await until(() => meetings().find((m) => m.starts_at === zonedToUtc(date, '13:00', zone) && m.external_event_id), 'the event after throttling', 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(graph.tokenRequests).toBeGreaterThan(tokensBefore);
    const posts = graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'));
    expect(posts.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(graph.events(mailbox).filter((e) => e.transactionId === meeting.id)).toHaveLength(1);
  });

  it('keeps going through garbage and unavailability, changing nothing it could not read', async () => {
    const before = meetings().map((m) => [m.id, m.starts_at, m.status]);
    graph.garbage(1, 'not-json', 'delta');
    graph.garbage(1, 'wrong-shape', 'delta');
    graph.fail(2, 503, 1, 'delta');
    const count = graph.requests.length;
    await until(() => graph.requests.slice(count).filter((r) => r.path.endsWith('/calendarView/delta') && r.status === 200).length >= 2, 'syncs after the failures', 30_000);
    expect(meetings().map((m) => [m.id, m.starts_at, m.status])).toEqual(before);
    expect(await say(chat, chair, 'kalender')).toContain('Senast synkad');

    // Events missing what a meeting needs are skipped; one without a subject or place is still a meeting.
    const meeting = meetings().find((m) => m.status === 'planned' && m.external_event_id)!;
    graph.outlookOmit(mailbox, meeting.external_event_id!, ['start', 'end']);
    const bare = graph.outlookCreate(mailbox, { subject: 'x', start: zonedToUtc(daysAhead(60), '09:00', zone), end: zonedToUtc(daysAhead(60), '10:00', zone), categories: ['Vårdvalsråd primärvård'] });
    graph.outlookOmit(mailbox, bare.id, ['subject', 'location', 'categories', 'bodyPreview']);
    const noCategory = graph.outlookCreate(mailbox, { subject: 'Vårdvalsråd utan kategori', start: zonedToUtc(daysAhead(61), '09:00', zone), end: zonedToUtc(daysAhead(61), '10:00', zone) });
    await until(() => meetings().find((m) => m.external_event_id === noCategory.id), 'the next event after the broken ones');
    expect(meetings().find((m) => m.id === meeting.id)).toMatchObject({ starts_at: meeting.starts_at, status: 'planned' });
    // Without its categories the bare event cannot be told to be the council's: it is left alone.
    expect(meetings().some((m) => m.external_event_id === bare.id)).toBe(false);
    await until(() => bot.output.includes('calendar events without the fields a meeting needs were skipped'), 'the log line');
    // Whole again, the event is read as before.
    graph.outlookOmit(mailbox, meeting.external_event_id!, []);
  });

  it('tells the council, and the admin, when the app may not read a mailbox, while other councils keep working', async () => {
    connector.reset();
    await client.say(other, chair, `kalender: ${deniedMailbox}`);
    const warning = await until(() => connector.sent(other.id).find((c) => (c.body.text ?? '').includes('Appen får inte läsa postlådan')), 'the warning in the other council');
    expect(warning.body.text).toContain('Calendars.ReadWrite');
    expect(warning.body.text).toContain('Andra råd påverkas inte.');
    expect(await say(other, chair, 'kalender')).toContain(`Appen får inte läsa postlådan ${deniedMailbox}`);
    // Told once, not at every sync.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(connector.sent(other.id).filter((c) => (c.body.text ?? '').includes('Appen får inte läsa postlådan'))).toHaveLength(1);
    expect(bot.output).toContain('council calendar cannot be used');

    const meeting = meetings().find((m) => m.status === 'planned' && m.external_event_id)!;
    graph.outlookUpdate(mailbox, meeting.external_event_id!, { location: 'Nya salen' });
    await until(() => meetings().find((m) => m.id === meeting.id && m.place === 'Nya salen'), 'the first council still synced');
  });

  it('keeps the delta link across a restart and goes on from it', async () => {
    await bot.stop();
    const meeting = meetings().find((m) => m.status === 'planned' && m.external_event_id)!;
    graph.outlookUpdate(mailbox, meeting.external_event_id!, { subject: 'Vårdvalsråd (ändrat)' });
    const count = graph.requests.length;
    await bot.start();
    await until(() => meetings().find((m) => m.id === meeting.id && m.title === 'Vårdvalsråd (ändrat)'), 'the change made while the bot was down');
    const first = graph.requests.slice(count).find((r) => r.path.endsWith('/calendarView/delta') && r.path.includes('vardvalsradet'));
    expect(first?.query.$deltatoken).toBeTruthy();
  });

  it('starts a full round when the delta link has expired, and cancels a meeting whose event is no longer there', async () => {
    const meeting = meetings().find((m) => m.status === 'planned' && m.external_event_id && m.title === 'Vårdvalsråd (ändrat)')!;
    const kept = meetings().filter((m) => m.status === 'planned' && m.id !== meeting.id).map((m) => m.id);
    // An event the full round cannot read is still there: its meeting is not cancelled for it.
    const unreadable = meetings().find((m) => m.status === 'planned' && m.external_event_id && m.id !== meeting.id)!;
    graph.outlookOmit(mailbox, unreadable.external_event_id!, ['start', 'end']);
    graph.expireDeltaTokens();
    graph.outlookDelete(mailbox, meeting.external_event_id!);
    await until(() => meetings().find((m) => m.id === meeting.id && m.status === 'cancelled'), 'the meeting cancelled after a full round');
    expect(graph.requests.some((r) => r.status === 410)).toBe(true);
    expect(meetings().filter((m) => kept.includes(m.id)).map((m) => m.status)).toEqual(kept.map(() => 'planned'));
    expect(kept).toContain(unreadable.id);
  });
});

describe('without Graph settings', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: zone });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('keeps meetings in the bot and says why no calendar can be connected', async () => {
    const answer = async (message: string) => {
      connector.reset();
      await client.say(chat, chair, message);
      return sentText(connector, chat.id);
    };
    expect(await answer('kalender')).toContain('inte kopplad till Microsoft Graph');
    expect(await answer(`kalender: ${mailbox}`)).toContain('så en kalender kan inte kopplas');
    expect(await answer(`nytt möte ${daysAhead(20)} 13:00-16:00`)).toContain('13.00');
    expect(bot.output).toContain('no Graph settings');
  });
});
