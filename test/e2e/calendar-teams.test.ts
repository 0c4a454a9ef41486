import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { until } from '../support/until.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { type Conversation, TeamsClient, cardText, findAction, sentText, user } from '../support/teams-client.js';

/*
 * Online meetings in council calendars as a real tenant has them: Exchange keeps the Teams join
 * block in the event's body, mails every attendee on each change, and some mailboxes (shared,
 * unlicensed, or named by an alias) cannot do what a licensed user's mailbox does.
 */

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const zone = 'Europe/Stockholm';
const licensed = 'vardvalsradet@region.se';
const shared = 'samordning@region.se';
const unlicensed = 'utvecklingsgruppen@region.se';
const main = 'primarvardsradet@region.se';
const alias = 'pvr@region.se';
const unknownAlias = 'halsoval@region.se';
const halsoval = 'halsovalsradet@region.se';
const roster = [
  { ...chair, email: 'asa.ordforande@region.se' },
  { ...bjorn, email: 'bjorn.berg@region.se' },
];

function daysAhead(days: number): string {
  return utcToZoned(new Date(Date.now() + days * 86_400_000).toISOString(), zone).date;
}

interface MeetingRow {
  id: string;
  starts_at: string;
  external_event_id: string | null;
  online: number;
  online_url: string | null;
}

describe('online meetings and mailboxes in a real tenant', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat = (): Conversation => ({ id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' });
  const councils = { licensed: chat(), shared: chat(), unlicensed: chat(), alias: chat(), unknownAlias: chat() };

  const meetings = (where: Conversation): MeetingRow[] => {
    const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
    const rows = db.prepare('select m.* from meetings m join councils c on c.id = m.council_id where c.conversation_id = ? order by starts_at').all(where.id) as MeetingRow[];
    db.close();
    return rows;
  };
  async function say(where: Conversation, message: string): Promise<string> {
    connector.reset();
    expect((await client.say(where, chair, message)).status).toBe(200);
    return sentText(connector, where.id);
  }
  const texts = (where: Conversation) => connector.sent(where.id).map((c) => c.body.text ?? '');
  const eventOf = (mailbox: string, id: string | null) => graph.events(mailbox).find((e) => e.id === id);
  /** Two more sync rounds of the mailbox: whatever the bot had queued for it has run by then. */
  async function settled(mailbox: string): Promise<void> {
    const from = graph.requests.length;
    await until(() => graph.requests.slice(from).filter((r) => r.path.includes(`/users/${mailbox}/calendarView/delta`) && r.status === 200).length >= 2, 'two more syncs');
  }

  beforeAll(async () => {
    graph = await startFakeGraph({ mailboxes: [licensed, shared, unlicensed, main, halsoval] });
    // A shared mailbox has no Teams licence: its calendar offers no online meeting provider.
    graph.setOnlineMeetingProviders(shared, []);
    graph.setOnlineMeetingProviders(unlicensed, []);
    graph.allowOnlineMeetings(shared);
    graph.addAlias(main, alias);
    graph.addAlias(halsoval, unknownAlias);
    await connector.start();
    for (const conversation of Object.values(councils)) connector.setRoster(conversation.id, roster);
    bot = await new BotProcess({
      env: { OUTBOX_POLL_MS: '100', CALENDAR_SYNC_MS: '1000', CALENDAR_AGENDA_DELAY_MS: '2500', ...graph.botEnv() },
    }).start();
    for (const [name, conversation] of Object.entries(councils)) {
      await client.execute(conversation, chair, { verb: 'council.setup' }, { name: `Råd ${name}`, locale: 'sv', timeZone: zone });
    }
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('keeps the Teams link through three agenda edits, and sends attendees one update for them', async () => {
    const where = councils.licensed;
    await say(where, `kalender: ${licensed}`);
    await say(where, `nytt möte ${daysAhead(20)} 09:00-10:00 Teams`);
    const meeting = await until(() => meetings(where).find((m) => m.online_url), 'the Teams link from the calendar');
    const joinUrl = meeting.online_url!;
    expect(eventOf(licensed, meeting.external_event_id)?.body.content).toContain(joinUrl);
    expect(graph.mails(licensed).map((m) => m.kind)).toEqual(['invitation']);

    let card = (await client.execute(where, chair, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    for (const title of ['Förfrågningsunderlag 2027', 'Budget', 'Uppföljning av vårdval']) {
      card = (await client.execute(where, chair, findAction(card, 'agenda.addItem'), { title, kind: 'decision' })).card;
      expect(cardText(card)).toContain(title);
    }
    const event = await until(() => {
      const e = eventOf(licensed, meeting.external_event_id);
      return e?.body.content.includes('Uppföljning av vårdval') && e;
    }, 'the edited agenda in the event');
    await settled(licensed);

    expect(event.isOnlineMeeting).toBe(true);
    expect(event.onlineMeeting?.joinUrl).toBe(joinUrl);
    expect(event.body.content).toContain(joinUrl);
    const updates = graph.mails(licensed).filter((m) => m.kind === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.body).toContain('Förfrågningsunderlag 2027');
    expect(updates[0]!.body).toContain(joinUrl);
    // The reminder's join button reads the stored link: it is the calendar's, unchanged.
    expect(meetings(where).find((m) => m.id === meeting.id)?.online_url).toBe(joinUrl);
  });

  it('moves an online meeting with one update that keeps the join block, and no mail when nothing changed', async () => {
    const where = councils.licensed;
    const meeting = meetings(where).find((m) => m.online_url)!;
    const before = graph.mails(licensed).length;
    const card = (await client.execute(where, chair, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    const day = daysAhead(22);
    await client.execute(where, chair, findAction(card, 'meeting.update'), { mDate: day, mStart: '13:00', mEnd: '14:30', mPlace: 'Regionens hus' });
    const event = await until(() => {
      const e = eventOf(licensed, meeting.external_event_id);
      return e?.location.displayName === 'Regionens hus' && e;
    }, 'the moved event');
    expect(`${event.start.dateTime.slice(0, 19)}Z`).toBe(zonedToUtc(day, '13:00', zone).replace('.000Z', 'Z'));
    expect(event.onlineMeeting?.joinUrl).toBe(meeting.online_url);
    expect(event.body.content).toContain(meeting.online_url!);
    await settled(licensed);
    expect(graph.mails(licensed).slice(before).map((m) => m.kind)).toEqual(['update']);
  });

  it('invites a member who joined with an invitation of their own, and mails the others only for what changed for them', async () => {
    const where = councils.licensed;
    const eva = { ...user(3, 'Eva Ny'), email: 'eva.ny@region.se' };
    connector.setRoster(where.id, [...roster, eva]);
    await client.membersAdded(where, chair, [eva]);
    const meeting = meetings(where).find((m) => m.online_url)!;
    const before = graph.mails(licensed).length;
    const card = (await client.execute(where, chair, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    await client.execute(where, chair, findAction(card, 'agenda.addItem'), { title: 'Rapport från arbetsgruppen', kind: 'information' });
    await until(() => eventOf(licensed, meeting.external_event_id)?.attendees.some((a) => a.emailAddress.address === eva.email), 'the new member invited');
    await settled(licensed);
    const mails = graph.mails(licensed).slice(before);
    expect(mails.map((m) => [m.kind, [...m.to].sort()])).toEqual([
      ['update', ['asa.ordforande@region.se', 'bjorn.berg@region.se']],
      ['invitation', ['eva.ny@region.se']],
    ]);
    expect(mails[1]!.body).toContain('Rapport från arbetsgruppen');
    expect(mails[1]!.body).toContain(meeting.online_url!);
  });

  it('makes the Teams meeting through onlineMeetings when the calendar offers no Teams, and says so on "kalender"', async () => {
    const where = councils.shared;
    graph.grantUserRead();
    await say(where, `kalender: ${shared}`);
    await say(where, `nytt möte ${daysAhead(25)} 09:00-10:00 Teams`);
    const meeting = await until(() => meetings(where).find((m) => m.online_url && m.external_event_id), 'the Teams link from onlineMeetings');
    const [made, ...more] = graph.onlineMeetings(shared);
    expect(more).toEqual([]);
    expect(made).toMatchObject({ externalId: meeting.id, joinWebUrl: meeting.online_url });
    const event = eventOf(shared, meeting.external_event_id)!;
    expect(event.isOnlineMeeting).toBe(false);
    expect(event.body.content).toContain(meeting.online_url!);
    expect(await say(where, 'kalender')).toContain('appen skapar mötet i Teams och lägger länken i inbjudan');

    // The sync reads the event, which has no onlineMeeting of its own: the link stays.
    graph.outlookUpdate(shared, meeting.external_event_id!, { location: 'Sal 3' });
    await until(() => {
      const db = new Database(join(bot.dataDir, 'council-assistant.sqlite'), { readonly: true });
      const row = db.prepare('select place, online_url from meetings where id = ?').get(meeting.id) as { place: string; online_url: string | null };
      db.close();
      return row.place === 'Sal 3' && row.online_url === made!.joinWebUrl;
    }, 'the place from Outlook, the link kept');
  });

  it('tells the chair to add the Teams link when neither the calendar nor onlineMeetings can, and takes the link added in Outlook', async () => {
    const where = councils.unlicensed;
    await say(where, `kalender: ${unlicensed}`);
    await say(where, `nytt möte ${daysAhead(26)} 09:00-10:00 Teams`);
    const meeting = await until(() => meetings(where).find((m) => m.external_event_id), 'the event without a link');
    expect(meeting.online_url).toBeNull();
    const told = await until(() => texts(where).find((t) => t.includes('lägg till Teams-mötet själv')), 'the word to the chair');
    expect(told).toContain(unlicensed);
    expect(told).toContain('OnlineMeetings.ReadWrite.All');
    expect(await say(where, 'kalender')).toContain('Digitala möten läggs in utan Teams-länk');

    graph.outlookUpdate(unlicensed, meeting.external_event_id!, { isOnlineMeeting: true });
    const linked = await until(() => meetings(where).find((m) => m.id === meeting.id && m.online_url), 'the link added in Outlook');
    expect(linked.online_url).toBe(eventOf(unlicensed, meeting.external_event_id)?.onlineMeeting?.joinUrl);
  });

  it('asks for the main address when a mailbox named by an alias cannot be looked up', async () => {
    const where = councils.unknownAlias;
    graph.grantUserRead(false);
    await say(where, `kalender: ${unknownAlias}`);
    const told = await until(() => texts(where).find((t) => t.includes(`Postlådan ${unknownAlias} finns inte`)), 'the word about the address');
    expect(told).toContain('huvudadress');
    expect(await say(where, 'kalender')).toContain('UPN');
  });

  it('follows a mailbox named by its SMTP alias to the main address, and says so', async () => {
    const where = councils.alias;
    graph.grantUserRead();
    await say(where, `kalender: ${alias}`);
    const told = await until(() => texts(where).find((t) => t.includes(`${alias} är ett alias för postlådan ${main}`)), 'the word about the alias');
    expect(told).toContain(main);
    await until(async () => {
      const status = await say(where, 'kalender');
      return status.includes(`Rådets kalender är kopplad: ${main}`) && status.includes('Senast synkad');
    }, 'the calendar synced at its main address');
    await say(where, `nytt möte ${daysAhead(27)} 09:00-10:00 Regionens hus`);
    await until(() => graph.events(main).length > 0, 'the meeting in the main mailbox');
    const requests = graph.requests.filter((r) => r.path.includes(`/users/${alias}/`));
    expect(requests.every((r) => r.status === 404)).toBe(true);
  });

  it('moves a meeting at once while its agenda edits wait for the calendar, and the move carries them', async () => {
    // Agenda edits wait the default ten minutes here: only a move that does not wait with them reaches the event.
    await bot.stop();
    bot = await new BotProcess({ dataDir: bot.dataDir, env: { OUTBOX_POLL_MS: '100', CALENDAR_SYNC_MS: '1000', ...graph.botEnv() } }).start();
    const where = councils.licensed;
    const meeting = meetings(where).find((m) => m.online_url)!;
    await settled(licensed);
    const before = graph.mails(licensed).length;
    let card = (await client.execute(where, chair, { verb: 'agenda.show', data: { meetingId: meeting.id } })).card;
    card = (await client.execute(where, chair, findAction(card, 'agenda.addItem'), { title: 'Remiss om hälsoval', kind: 'decision' })).card;
    const day = daysAhead(24);
    await client.execute(where, chair, findAction(card, 'meeting.update'), { mDate: day, mStart: '10:00', mEnd: '11:00', mPlace: 'Regionens hus' });
    const event = await until(() => {
      const e = eventOf(licensed, meeting.external_event_id);
      return `${e?.start.dateTime.slice(0, 19)}Z` === zonedToUtc(day, '10:00', zone).replace('.000Z', 'Z') && e;
    }, 'the moved event');
    expect(event.body.content).toContain('Remiss om hälsoval');
    expect(event.onlineMeeting?.joinUrl).toBe(meeting.online_url);
    await settled(licensed);
    expect(graph.mails(licensed).slice(before).map((m) => m.kind)).toEqual(['update']);
  });
});
