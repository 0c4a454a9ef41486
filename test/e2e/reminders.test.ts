import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { BotProcess, projectRoot } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const david = user(4, 'David Dahl');
const text = cardText;
const zone = 'Europe/Stockholm';

/** The bot's clock: a file it reads, so the tests decide when reminders fall due. */
const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
let clockNow = Date.now();
async function setClock(iso: string): Promise<void> {
  clockNow = Date.parse(iso);
  writeFileSync(clockFile, iso);
  // The bot reads the file every 50 ms.
  await new Promise((r) => setTimeout(r, 200));
}
/** At a local time on a day, a few seconds after the minute (a reminder at 08.00 is then due). */
function localInstant(date: string, time: string): string {
  return new Date(Date.parse(zonedToUtc(date, time, zone)) + 5_000).toISOString();
}

/** A date this many days ahead of the bot's clock, Stockholm time. */
function daysAhead(days: number): string {
  return utcToZoned(new Date(clockNow + days * 86_400_000).toISOString(), zone).date;
}
function minusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

describe('reminders before a meeting', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const db = () => new Database(join(bot.dataDir, 'council-assistant.sqlite'));
  const jobs = () => {
    const rows = db();
    const found = rows.prepare("select key, due_at, sent_at from outbox where kind = 'meetingReminder' order by due_at").all() as { key: string; due_at: string; sent_at: string | null }[];
    rows.close();
    return found;
  };
  let meetingId = '';
  const date = daysAhead(20);
  const unsentReminders = () => {
    const rows = db();
    const row = rows.prepare("select count(*) as n from outbox where sent_at is null and kind in ('meetingReminder', 'memberReminder') and due_at <= ?").get(new Date(clockNow + 60_000).toISOString()) as { n: number };
    rows.close();
    return row.n;
  };
  async function until(done: () => boolean, timeoutMs = 15_000) {
    const started = Date.now();
    while (!done()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia, david]);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(chair, bjorn, cecilia, david);
    writeFileSync(clockFile, new Date(clockNow).toISOString());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: zone });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('queues reminders 7 days and 1 day before at 08.00 local time when a meeting is scheduled', async () => {
    await say(chair, `nytt möte ${date} 13:00-16:00 Regionens hus`);
    await say(chair, 'dagordning:\n- Förfrågningsunderlag 2027\n- Budget');
    const preview = cardOf(connector.sent(chat.id)[0]!.body);
    await client.execute(chat, chair, findAction(preview, 'agenda.confirmImport'), {});
    await say(bjorn, 'dagordning');
    meetingId = findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.show').data.meetingId;
    expect(jobs().map((j) => j.due_at)).toEqual([zonedToUtc(minusDays(date, 7), '08:00', zone), zonedToUtc(minusDays(date, 1), '08:00', zone)]);
    expect(await say(chair, 'påminnelser')).toContain('Påminnelser går ut 7 och 1 dagar före mötet kl. 08.00.');
    expect(await say(bjorn, 'påminnelser: 3')).toContain('Det här får bara rådets ordförande');
    expect(await say(chair, 'påminnelser: snart')).toContain('Ange högst fem antal dagar');
    expect(await say(chair, 'påminnelser')).toContain('7 och 1 dagar före');
  });

  let moved = '';
  it('follows a moved meeting: new reminders at the new time, the old ones stay quiet', async () => {
    const card = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    moved = daysAhead(25);
    const answer = await client.execute(chat, chair, findAction(card, 'meeting.update'), { mDate: moved, mStart: '09:00', mEnd: '12:00', mPlace: 'Regionens hus' });
    expect(text(answer.card)).toContain('Mötet är ändrat.');
    expect(jobs().map((j) => j.due_at)).toContain(zonedToUtc(minusDays(moved, 1), '08:00', zone));
    expect(jobs()).toHaveLength(4);
  });

  it('sends each reminder once after a restart: the agenda to the council, a personal card to each member who wants one', async () => {
    await say(bjorn, 'påminnelser av');
    await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } });
    const agenda = (await client.execute(chat, cecilia, { verb: 'agenda.show', data: { meetingId } })).card;
    await client.execute(chat, cecilia, findAction(agenda, 'agenda.regrets'), { note: 'Semester' });
    await say(chair, 'Åtgärd: David tar fram siffrorna senast 2030-01-15');

    // Nothing is due yet a minute before the first reminder (David's action item card has gone out first).
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id, 5_000);
    connector.reset();
    await setClock(localInstant(minusDays(moved, 7), '07:59'));
    await new Promise((r) => setTimeout(r, 500));
    // No reminder: neither a member's card nor the agenda in the chat (a reply or the action item's card may still be on its way, paced).
    const reminders = connector.calls.filter((c) => c.kind === 'send' && /Påminnelse från|Förfrågningsunderlag 2027/.test(text(cardOf(c.body))));
    expect(reminders).toEqual([]);

    await bot.stop();
    // The time comes while the bot is down: both reminders at the new time, and both at the old time, are due.
    await setClock(localInstant(minusDays(moved, 1), '08:00'));
    connector.reset();
    await bot.start();

    const personal = await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id && text(cardOf(c.body)).includes('Påminnelse från Vårdvalsråd'), 10_000);
    await until(() => unsentReminders() === 0);
    const agendas = connector.sent(chat.id).filter((c) => text(cardOf(c.body)).includes('Förfrågningsunderlag 2027'));
    // Two reminders at the new time were due (7 and 1 days before); the two at the old time found the meeting moved.
    expect(agendas).toHaveLength(2);
    // Who each personal reminder went to (the chat a send went to was created for one person).
    const personOf = new Map(connector.calls.filter((c) => c.kind === 'createConversation').map((c) => [c.conversationId, c.body.members[0].id as string]));
    const reminded = connector.calls
      .filter((c) => c.kind === 'send' && c.conversationId !== chat.id && text(cardOf(c.body)).includes('Påminnelse från Vårdvalsråd'))
      .map((c) => personOf.get(c.conversationId))
      .sort();
    expect(reminded).toEqual([chair.id, chair.id, david.id, david.id].sort());
    expect(jobs().every((j) => j.sent_at !== null)).toBe(true);

    const davidsReminder = connector.calls.find(
      (c) => c.kind === 'send' && personOf.get(c.conversationId) === david.id && text(cardOf(c.body)).includes('Påminnelse från Vårdvalsråd'),
    )!;
    const davids = { conversationId: davidsReminder.conversationId };
    const card = cardOf(davidsReminder.body);
    // Kept for a look at the card as members see it (test-results/ is not committed).
    mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
    writeFileSync(join(projectRoot, 'test-results', 'personal-reminder-card.json'), JSON.stringify(card, null, 2));
    expect(text(card)).toContain('Förfrågningsunderlag 2027');
    expect(text(card)).toContain('Tar fram siffrorna (15 jan 2030)');
    expect(text(card)).toContain('Regionens hus');
    expect(personal).toBeTruthy();

    const dm: Conversation = { id: davids.conversationId!, type: 'personal' };
    const regrets = await client.execute(dm, david, findAction(card, 'reminder.regrets'), { note: 'Sjuk' });
    expect(text(regrets.card)).toContain('Du har skickat återbud till mötet.');
    const now = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    expect(text(now)).toContain('David Dahl – Sjuk');
  });

  it('reminds an action item’s owner the day before it is due, unless it is done', async () => {
    await say(chair, 'Åtgärd: Cecilia skriver PM senast 2030-02-01');
    const rows = db();
    const due = rows.prepare("select key, due_at from outbox where kind = 'actionDue' order by key").all() as { key: string; due_at: string }[];
    expect(due.map((d) => d.due_at).sort()).toEqual([zonedToUtc('2030-01-14', '08:00', zone), zonedToUtc('2030-01-31', '08:00', zone)].sort());
    rows.close();
    // Cecilia's item is done before its reminder; David's is still open.
    await say(cecilia, 'mina åtgärder');
    const mine = cardOf(connector.sent(chat.id)[0]!.body);
    expect(text((await client.execute(chat, cecilia, findAction(mine, 'action.done'))).card)).toContain('Åtgärden är klarmarkerad.');
    connector.reset();
    await setClock(localInstant('2030-01-31', '08:00'));
    const reminder = await connector.waitFor((c) => c.kind === 'send' && text(cardOf(c.body)).includes('ska vara klar i morgon'), 10_000);
    expect(text(cardOf(reminder.body))).toContain('Tar fram siffrorna');
    await until(() => {
      const rows = db();
      const row = rows.prepare("select count(*) as n from outbox where sent_at is null and kind = 'actionDue'").get() as { n: number };
      rows.close();
      return row.n === 0;
    });
    const personOf = new Map(connector.calls.filter((c) => c.kind === 'createConversation').map((c) => [c.conversationId, c.body.members[0].id as string]));
    const dueReminders = connector.calls.filter((c) => c.kind === 'send' && text(cardOf(c.body)).includes('ska vara klar i morgon'));
    expect(dueReminders.map((c) => personOf.get(c.conversationId))).toEqual([david.id]);
  });

  it('sends nothing for a cancelled meeting', async () => {
    const cancelledDay = daysAhead(40);
    await say(chair, `nytt möte ${cancelledDay} 13:00-16:00`);
    const rows = db();
    const next = rows.prepare("select id, version from meetings where status = 'planned' and id <> ? order by starts_at desc").get(meetingId) as { id: string; version: number };
    rows.close();
    const card = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId: next.id } })).card;
    const cancelled = await client.execute(chat, chair, findAction(card, 'meeting.cancel'));
    expect(text(cancelled.card)).toContain('är inställt');
    connector.reset();
    await setClock(localInstant(minusDays(cancelledDay, 1), '08:00'));
    await until(() => unsentReminders() === 0);
    expect(connector.calls.filter((c) => c.kind === 'send' || c.kind === 'createConversation')).toEqual([]);
    expect(jobs().filter((j) => j.key.includes(next.id)).every((j) => j.sent_at !== null)).toBe(true);
  });

  it('lets the chair change when reminders go out, for meetings already planned too', async () => {
    const day = daysAhead(30);
    await say(chair, `nytt möte ${day} 13:00-16:00`);
    const saved = await say(chair, 'påminnelser: 2 kl 09.30');
    expect(saved).toContain('Tiderna för påminnelser är sparade. Påminnelser går ut 2 dagar före mötet kl. 09.30.');
    expect(jobs().map((j) => j.due_at)).toContain(zonedToUtc(minusDays(day, 2), '09:30', zone));
  });
});
