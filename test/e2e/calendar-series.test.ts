import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { type Conversation, type User, TeamsClient, sentText, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const zone = 'Europe/Stockholm';
const mailbox = 'vardvalsradet@region.se';

/** The bot's clock: a file it reads, so the test decides when an occurrence comes within the horizon. */
const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
function setClock(iso: string): void {
  writeFileSync(clockFile, iso);
}

interface MeetingRow {
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string | null;
  status: string;
  external_event_id: string | null;
}

describe('a recurring Outlook series in the council calendar', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let seriesId = '';
  /** The series' occurrences by date (Stockholm), as Outlook has them when the council connects. */
  const occurrence: Record<string, string> = {};

  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const rows = db.prepare(sql).all(...params) as T[];
    db.close();
    return rows;
  };
  const meetings = () => query<MeetingRow>('select m.* from meetings m join councils c on c.id = m.council_id where c.conversation_id = ? order by starts_at', chat.id);
  const chatTexts = () => connector.sent(chat.id).map((c) => c.body.text ?? '');
  async function say(where: Conversation, who: User, message: string): Promise<string> {
    connector.reset();
    expect((await client.say(where, who, message)).status).toBe(200);
    return sentText(connector, where.id);
  }

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [mailbox] });
    await connector.start();
    connector.setRoster(chat.id, [
      { ...chair, email: 'asa.ordforande@region.se' },
      { ...bjorn, email: 'bjorn.berg@region.se' },
    ]);
    // Monday 28 September 2026, 10.00 in Stockholm.
    setClock('2026-09-28T08:00:00.000Z');
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CALENDAR_SYNC_MS: '1000', CLOCK_FILE: clockFile, ...graph.botEnv() } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: zone });

    // The council's series as its secretary made it in Outlook: every fourth Thursday 13.00–15.00
    // from 8 October to the end of June, ten dates; then the November one moved to Friday
    // morning and the New Year's Eve one cancelled.
    const series = graph.outlookCreateSeries(mailbox, {
      subject: 'Vårdvalsråd',
      start: '2026-10-08T11:00:00Z',
      end: '2026-10-08T13:00:00Z',
      location: 'Regionens hus',
      categories: ['Vårdvalsråd'],
      recurrence: {
        pattern: { type: 'weekly', interval: 4, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
        range: { type: 'endDate', startDate: '2026-10-08', endDate: '2027-06-30', recurrenceTimeZone: 'W. Europe Standard Time' },
      },
    });
    seriesId = series.id;
    for (const e of graph.occurrences(mailbox, seriesId, '2026-09-01T00:00:00Z', '2027-08-01T00:00:00Z')) occurrence[e.start.dateTime.slice(0, 10)] = e.id;
    expect(Object.keys(occurrence)).toHaveLength(10);
    graph.outlookUpdate(mailbox, occurrence['2026-11-05']!, { start: '2026-11-06T09:00:00Z', end: '2026-11-06T11:00:00Z' });
    graph.outlookDelete(mailbox, occurrence['2026-12-31']!);
    // The council's deadlines, a series of all-day events with its category: no meetings, no series to tell of.
    graph.outlookCreateSeries(mailbox, {
      subject: 'Vårdvalsråd: sista dag för handlingar',
      start: '2026-09-30T22:00:00Z',
      end: '2026-10-01T22:00:00Z',
      categories: ['Vårdvalsråd'],
      recurrence: { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 1 }, range: { type: 'numbered', startDate: '2026-10-01', numberOfOccurrences: 9 } },
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('tells the council of the series once, in words, and makes meetings only of what is within eight weeks', async () => {
    connector.reset();
    await client.say(chat, chair, `kalender: ${mailbox}`);
    const notice = await until(() => chatTexts().find((t) => t.includes('Ny mötesserie från kalendern')), 'the notice of the series');
    expect(notice).toContain('Vårdvalsråd: var fjärde torsdag 13.00, 9 möten till juni');
    expect(notice).toMatch(/Mötena inom 8 veckor finns nu här: 8 okt\S* 2026 13\.00, 6 nov\S* 2026 10\.00/);
    // The round is over and the next ones change nothing: still one notice, no notice per meeting.
    await client.say(chat, chair, 'kalender');
    await until(() => chatTexts().some((t) => t.includes('Senast synkad')), 'the first sync');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(chatTexts().filter((t) => t.includes('Ny mötesserie'))).toHaveLength(1);
    expect(chatTexts().filter((t) => t.includes('Nytt möte från kalendern'))).toEqual([]);

    // Two meetings: 8 October at 13.00 (summer time) and the moved one on Friday 6 November at 10.00.
    const rows = meetings();
    expect(rows.map((m) => [m.starts_at, m.ends_at, m.title, m.place, m.status])).toEqual([
      ['2026-10-08T11:00:00.000Z', '2026-10-08T13:00:00.000Z', 'Vårdvalsråd', 'Regionens hus', 'planned'],
      ['2026-11-06T09:00:00.000Z', '2026-11-06T11:00:00.000Z', 'Vårdvalsråd', 'Regionens hus', 'planned'],
    ]);
    expect(rows.map((m) => m.external_event_id)).toEqual([occurrence['2026-10-08'], occurrence['2026-11-05']]);
    // The cancelled one is not a meeting, now or later.
    expect(rows.some((m) => m.external_event_id === occurrence['2026-12-31'])).toBe(false);
  });

  it('shows the series as one line in the calendar status', async () => {
    const status = await say(chat, bjorn, 'kalender');
    expect(status).toContain('Återkommande serier (möten läggs till 8 veckor före):');
    expect(status.match(/^- .*$/gm)).toEqual(['- Vårdvalsråd: var fjärde torsdag 13.00, 9 möten till juni']);
  });

  it('makes the next occurrence a meeting when time brings it within the horizon, told as a new meeting', async () => {
    connector.reset();
    // Friday 9 October: eight weeks ahead now reaches 3 December.
    setClock('2026-10-09T08:00:00.000Z');
    const december = await until(() => meetings().find((m) => m.external_event_id === occurrence['2026-12-03']), 'the December meeting');
    expect(december).toMatchObject({ starts_at: '2026-12-03T12:00:00.000Z', ends_at: '2026-12-03T14:00:00.000Z', status: 'planned' });
    await until(() => chatTexts().find((t) => t.includes('Nytt möte från kalendern: Vårdvalsråd, torsdag 3 december 2026, 13.00–15.00')), 'the notice of it');
    expect(meetings()).toHaveLength(3);
  });

  it('moves and cancels meetings as their occurrences are moved and cancelled in Outlook', async () => {
    connector.reset();
    graph.outlookUpdate(mailbox, occurrence['2026-12-03']!, { start: '2026-12-04T08:00:00Z', end: '2026-12-04T10:00:00Z', location: 'Stadshuset' });
    await until(() => meetings().find((m) => m.external_event_id === occurrence['2026-12-03'] && m.starts_at === '2026-12-04T08:00:00.000Z' && m.place === 'Stadshuset'), 'the meeting moved');
    await until(() => chatTexts().find((t) => t.includes('flyttades i kalendern till fredag 4 december 2026, 09.00–11.00')), 'the notice of the move');

    // The organizer's cancel takes the occurrence out of the series; delta says so only by its absence.
    graph.outlookDelete(mailbox, occurrence['2026-11-05']!);
    await until(() => meetings().find((m) => m.external_event_id === occurrence['2026-11-05'] && m.status === 'cancelled'), 'the meeting cancelled');
    await until(() => chatTexts().find((t) => t.includes('ställdes in i kalendern')), 'the notice of the cancellation');
    expect(meetings().find((m) => m.external_event_id === occurrence['2026-10-08'])?.status).toBe('planned');
  });

  it('keeps an open meeting and what was recorded at it when its occurrence is deleted, and tells the chair', async () => {
    // Friday 4 December, 08.40: the moved meeting is about to start, and the chair opens it.
    setClock('2026-12-04T07:40:00.000Z');
    const meeting = meetings().find((m) => m.external_event_id === occurrence['2026-12-03'])!;
    await until(async () => (await say(chat, chair, 'öppna mötet')).includes('Mötet är öppnat'), 'the meeting opened');
    expect(await say(chat, chair, 'Beslut: Rådet godkänner verksamhetsplanen.')).not.toContain('Inget möte pågår');
    const decisions = () => query<{ text: string }>('select d.* from decisions d where d.meeting_id = ?', meeting.id);
    expect(decisions()).toHaveLength(1);

    connector.reset();
    graph.outlookDelete(mailbox, occurrence['2026-12-03']!);
    const told = await until(() => chatTexts().find((t) => t.includes('har tagits bort ur kalendern')), 'the chair told');
    expect(told).toContain('Åsa Ordförande: Vårdvalsråd fredag 4 december 2026, 09.00–11.00 pågår här men har tagits bort ur kalendern i Outlook.');
    expect(told).toContain('Mötet och allt som antecknats finns kvar');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(chatTexts().filter((t) => t.includes('har tagits bort ur kalendern'))).toHaveLength(1);
    expect(meetings().find((m) => m.id === meeting.id)?.status).toBe('open');
    expect(decisions()).toHaveLength(1);
    // The meeting goes on as usual.
    expect(await say(chat, chair, 'Beslut: Rådet godkänner budgeten.')).not.toContain('Inget möte pågår');
    expect(decisions()).toHaveLength(2);
  });

  it('refuses a horizon that is not a number of weeks, and takes one that is', async () => {
    expect(await say(chat, chair, 'kalender horisont: tolv')).toContain('Ange horisonten i veckor, 1–52');
    expect(await say(chat, bjorn, 'kalender horisont: 12')).toContain('Det här får bara rådets ordförande');
    expect(await say(chat, chair, 'kalender horisont: 12 veckor')).toContain('högst 12 veckor bort');
    expect(await say(chat, chair, 'kalender')).toContain('möten läggs till 12 veckor före');
    // Twelve weeks from 4 December reach 25 February: January's and February's meetings are made.
    await until(() => meetings().filter((m) => m.external_event_id === occurrence['2027-01-28'] || m.external_event_id === occurrence['2027-02-25']).length === 2, 'the meetings of a longer horizon');
  });

  it('cancels the planned meetings of a series deleted whole, and no longer lists it', async () => {
    connector.reset();
    graph.outlookDelete(mailbox, seriesId);
    await until(() => meetings().filter((m) => [occurrence['2027-01-28'], occurrence['2027-02-25']].includes(m.external_event_id ?? '') && m.status === 'cancelled').length === 2, 'the meetings cancelled');
    expect(meetings().find((m) => m.external_event_id === occurrence['2026-12-03'])?.status).toBe('open');
    expect(await say(chat, chair, 'kalender')).not.toContain('Återkommande serier');
  });

  it('reads the pattern of a series begun before the sync window from its master, which the delta round leaves out', async () => {
    const other: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
    const otherMailbox = 'samordning@region.se';
    graph.addMailbox(otherMailbox);
    connector.setRoster(other.id, [{ ...chair, email: 'asa.ordforande@region.se' }]);
    await client.execute(other, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'en', timeZone: zone });
    const series = graph.outlookCreateSeries(otherMailbox, {
      subject: 'Samordningsråd',
      start: '2026-06-01T07:00:00Z',
      end: '2026-06-01T08:00:00Z',
      categories: ['Samordningsråd'],
      recurrence: { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' }, range: { type: 'noEnd', startDate: '2026-06-01' } },
    });
    connector.reset();
    await client.say(other, chair, `calendar: ${otherMailbox}`);
    const notice = await until(() => connector.sent(other.id).map((c) => c.body.text ?? '').find((t) => t.includes('New meeting series')), 'the notice in English');
    expect(notice).toContain('Samordningsråd: every other Monday 09:00, until further notice');
    expect(graph.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/events/${series.id}`) && r.status === 200)).toBe(true);
    const theirs = query<MeetingRow>('select m.* from meetings m join councils c on c.id = m.council_id where c.conversation_id = ? order by starts_at', other.id);
    // Four Mondays in eight weeks from Friday 4 December, at 09.00 winter time.
    expect(theirs.map((m) => m.starts_at)).toEqual(['2026-12-14T08:00:00.000Z', '2026-12-28T08:00:00.000Z', '2027-01-11T08:00:00.000Z', '2027-01-25T08:00:00.000Z']);
  });
});
