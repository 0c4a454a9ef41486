import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { soonMeeting } from '../support/soon.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const david = user(4, 'David Dahl');
const eva = user(5, 'Eva Ek');
const outsider = user(99, 'Olle Utanför');
const text = cardText;


function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('polls over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const db = () => new Database(join(bot.dataDir, 'council-assistant.sqlite'));

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david, eva]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    // All but Eva have the app personally; Teams will not open a 1:1 chat with her.
    for (const u of [chair, cecilia, bjorn, david]) await client.installPersonal(u);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('refuses polls with 0, 1 or 21 options, or an option twice, and saves nothing', async () => {
    expect(await say(chair, 'omröstning: Ska rådet tycka till?')).toContain('En omröstning behöver 2–20 alternativ (nu 0).');
    expect(await say(chair, 'omröstning: Ska rådet tycka till? | Ja')).toContain('(nu 1)');
    const many = Array.from({ length: 21 }, (_, i) => `Alt ${i + 1}`).join(' | ');
    expect(await say(chair, `omröstning: Vilket? | ${many}`)).toContain('(nu 21)');
    expect(await say(chair, 'omröstning: Ska rådet tycka till? | Ja | ja ')).toContain('Alternativet "ja" finns två gånger.');
    const rows = db();
    expect(rows.prepare('select count(*) as n from polls').get()).toEqual({ n: 0 });
    rows.close();
  });

  it('refuses a deadline on a day or at a time that does not exist, like a meeting’s, and saves nothing', async () => {
    await say(chair, 'omröstning');
    const form = lastCard();
    const nextYear = new Date().getUTCFullYear() + 1;
    const tomorrow = utcToZoned(new Date(Date.now() + 86_400_000).toISOString(), 'Europe/Stockholm').date;
    const inputs = { pQuestion: 'Ska rådet yttra sig?', pOptions: 'Ja\nNej' };
    const badDay = await client.execute(chat, chair, findAction(form, 'poll.create'), { ...inputs, pDate: `${nextYear}-02-30`, pTime: '12:00' });
    expect(text(badDay.card)).toContain(`Datumet ${nextYear}-02-30 finns inte.`);
    const badTime = await client.execute(chat, chair, findAction(form, 'poll.create'), { ...inputs, pDate: tomorrow, pTime: '25:00' });
    expect(text(badTime.card)).toContain('Tiden 25:00 finns inte.');
    // The nights Europe/Stockholm changes clocks: the last Sundays of March and October.
    const lastSunday = (month: number) => {
      const day = new Date(Date.UTC(nextYear, month + 1, 0));
      day.setUTCDate(day.getUTCDate() - day.getUTCDay());
      return day.toISOString().slice(0, 10);
    };
    const skipped = await client.execute(chat, chair, findAction(form, 'poll.create'), { ...inputs, pDate: lastSunday(2), pTime: '02:30' });
    expect(text(skipped.card)).toContain('Klockan 02.30 finns inte');
    const twice = await client.execute(chat, chair, findAction(form, 'poll.create'), { ...inputs, pDate: lastSunday(9), pTime: '02:30' });
    expect(text(twice.card)).toContain('Klockan 02.30 inträffar två gånger');
    const rows = db();
    expect(rows.prepare('select count(*) as n from polls').get()).toEqual({ n: 0 });
    rows.close();
  });

  it('lets only the chair and secretary start polls until the chair lets members', async () => {
    expect(await say(bjorn, 'omröstning: Fika? | Ja | Nej')).toContain('I det här rådet startar ordförande och sekreterare omröstningar.');
    expect(await say(bjorn, 'medlemsomröstningar på')).toContain('Det här får bara rådets ordförande');
    expect(await say(chair, 'medlemsomröstningar på')).toContain('Alla medlemmar kan nu starta omröstningar.');
    const started = await say(bjorn, 'omröstning: Fika på nästa möte? | Ja | Nej');
    expect(started).toContain('Fika på nästa möte?');
    expect(await say(chair, 'medlemsomröstningar av')).toContain('Nu kan bara ordförande och sekreterare');
  });

  let named: any;
  it('runs a named poll: one vote per member, changeable, each sees their own choice, everyone the count', async () => {
    const posted = await say(chair, 'omröstning: Ska rådet ställa sig bakom remissvaret?\nJa\nNej\nAvstår');
    expect(posted).toContain('0 av 5 har röstat');
    named = lastCard();
    expect(named.refresh.userIds.sort()).toEqual([chair.id, cecilia.id, bjorn.id, david.id, eva.id].sort());
    const vote = findAction(named, 'poll.vote');
    const first = await client.execute(chat, bjorn, vote, { choices: 'o1' });
    expect(text(first.card)).toContain('Din röst är registrerad.');
    expect(walkCard(first.card).find((n) => n.id === 'choices').value).toBe('o1');
    const again = await client.execute(chat, bjorn, vote, { choices: 'o1' });
    expect(text(again.card)).toContain('Din röst var redan registrerad.');
    const changed = await client.execute(chat, bjorn, vote, { choices: 'o2' });
    expect(walkCard(changed.card).find((n) => n.id === 'choices').value).toBe('o2');
    await client.execute(chat, david, vote, { choices: 'o1' });
    expect(text(changed.card)).toContain('Nej');

    for (const [who, inputs, message] of [
      [outsider, { choices: 'o1' }, 'Bara rådets ledamöter röstar'],
      [eva, { choices: 'o9' }, 'Det alternativet finns inte'],
      [eva, { choices: 'o1,o2' }, 'högst 1 alternativ'],
      [eva, { choices: '' }, 'Välj minst ett alternativ.'],
    ] as const) {
      expect(text((await client.execute(chat, who, vote, inputs)).card)).toContain(message);
    }
    const forged = await client.execute(chat, eva, { verb: 'poll.vote', data: { pollId: 'nope' } }, { choices: 'o1' });
    expect(text(forged.card)).toContain('Omröstningen finns inte');

    const mine = await client.execute(chat, david, findAction(named, 'poll.show'));
    expect(walkCard(mine.card).find((n) => n.id === 'choices').value).toBe('o1');
    // The shared card is updated once for the burst of votes, by the outbox.
    const update = await connector.waitFor((c) => c.kind === 'update' && text(cardOf(c.body)).includes('2 av 5 har röstat'), 8_000);
    expect(walkCard(cardOf(update.body)).find((n) => n.id === 'choices').value).toBeUndefined();
  });

  it('closes on the chair’s word with counts, percentages and who voted what; later votes are refused', async () => {
    expect(text((await client.execute(chat, bjorn, findAction(named, 'poll.show'))).card)).not.toContain('Stäng omröstningen');
    const own = (await client.execute(chat, chair, findAction(named, 'poll.show'))).card;
    const refused = await client.execute(chat, bjorn, findAction(own, 'poll.close'));
    expect(text(refused.card)).toContain('Det här får bara');
    connector.reset();
    const closed = await client.execute(chat, chair, findAction(own, 'poll.close'));
    expect(text(closed.card)).toContain('Omröstningen är stängd. 2 av 5 röstade.');
    expect(text(closed.card)).toContain('50 %');
    expect(text(closed.card)).toContain('David Dahl');
    const results = await connector.waitFor((c) => c.kind === 'send' && text(cardOf(c.body)).includes('Resultat av omröstningen'), 8_000);
    expect(text(cardOf(results.body))).toContain('Björn Berg');
    const late = await client.execute(chat, eva, findAction(named, 'poll.vote'), { choices: 'o1' });
    expect(text(late.card)).toContain('Omröstningen är stängd.');
    expect(text((await client.execute(chat, chair, findAction(own, 'poll.close'))).card)).toContain('Omröstningen är stängd.');
  });

  let anonymous: any;
  let pollId = '';
  it('keeps an anonymous poll’s ballots without any voter id beside a choice, and hides results until closing', async () => {
    await say(chair, 'omröstning');
    const form = lastCard();
    const tomorrow = utcToZoned(new Date(Date.now() + 86_400_000).toISOString(), 'Europe/Stockholm').date;
    const created = await client.execute(chat, chair, findAction(form, 'poll.create'), {
      pQuestion: 'Vem ska leda arbetsgruppen?', pOptions: 'Anna\nBjörn\nCecilia', pMax: '1', pAnonymous: 'true', pResults: 'afterClose',
      pDate: tomorrow, pTime: '16:00', pRemind: '60',
    });
    expect(text(created.card)).toContain('Omröstningen är startad.');
    anonymous = lastCard();
    expect(text(anonymous)).toContain('Anonym');
    pollId = findAction(anonymous, 'poll.vote').data.pollId;
    const retried = await client.execute(chat, chair, findAction(form, 'poll.create'), { pQuestion: 'Vem ska leda arbetsgruppen?', pOptions: 'Anna\nBjörn\nCecilia', pAnonymous: 'true', pDate: tomorrow, pTime: '16:00' });
    expect(text(retried.card)).toContain('Omröstningen var redan startad.');

    await client.execute(chat, bjorn, findAction(anonymous, 'poll.vote'), { choices: 'o2' });
    const voted = await client.execute(chat, david, findAction(anonymous, 'poll.vote'), { choices: 'o3' });
    expect(text(voted.card)).toContain('Resultatet visas när omröstningen är stängd.');
    expect(walkCard(voted.card).find((n) => n.id === 'choices').value).toBe('o3');

    const rows = db();
    const ballots = rows.prepare('select * from poll_ballots where poll_id = ?').all(pollId) as Record<string, unknown>[];
    rows.close();
    expect(ballots).toHaveLength(2);
    const ids = [chair, cecilia, bjorn, david, eva].flatMap((u) => [u.id, u.aadObjectId, u.name]);
    for (const row of ballots) {
      expect(row.voter_id).toBeNull();
      expect(row.voted_at).toBeNull();
      for (const value of Object.values(row)) for (const id of ids) expect(String(value)).not.toContain(id);
    }
  });

  it('reminds only those who have not voted, on the chair’s word; one Teams refuses a personal chat is not named in the council’s chat, only counted in the chair’s view', async () => {
    const own = (await client.execute(chat, chair, findAction(anonymous, 'poll.show'))).card;
    expect(text(own)).not.toContain('kan inte nås');
    connector.reset();
    const reminded = await client.execute(chat, chair, findAction(own, 'poll.remind'));
    expect(text(reminded.card)).toContain('Påminnelse skickas till 3 som inte röstat.');
    await until(() => (connector.calls.filter((c) => c.kind === 'send' && c.conversationId !== chat.id).length >= 2 ? true : undefined));
    const asked = connector.calls.filter((c) => c.kind === 'createConversation').map((c) => c.body.members[0].id).sort();
    expect(asked).toEqual([chair.id, cecilia.id, eva.id].sort());
    const reminder = connector.calls.find((c) => c.kind === 'send' && c.conversationId !== chat.id)!;
    expect(text(cardOf(reminder.body))).toContain('Påminnelse: du har inte röstat i Vårdvalsråd.');
    // The chair's own view counts who could not be reached, once the refusal is recorded.
    let counted = '';
    for (let i = 0; i < 100 && !counted.includes('kan inte nås'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      counted = text((await client.execute(chat, chair, findAction(anonymous, 'poll.show'))).card);
    }
    expect(counted).toContain('1 ledamot kan inte nås i en personlig chatt');
    expect(counted).not.toContain('Eva');
    // Nothing went to the council's chat: no card, no mention of Eva.
    for (const c of connector.sent(chat.id)) {
      expect(JSON.stringify(c.body)).not.toContain(eva.id);
      expect(JSON.stringify(c.body)).not.toContain('Eva Ek');
      expect(text(cardOf(c.body))).not.toContain('Påminnelse');
    }
  });

  it('closes at its deadline after a restart, and reminds automatically before it, never those who voted', async () => {
    // Cecilia votes from her reminder, in her personal chat.
    const personal = connector.calls.find((c) => c.kind === 'createConversation' && c.body.members[0].id === cecilia.id)!;
    const sent = connector.calls.find((c) => c.kind === 'send' && c.conversationId === personal.conversationId)!;
    const dm: Conversation = { id: sent.conversationId!, type: 'personal' };
    const fromReminder = await client.execute(dm, cecilia, findAction(cardOf(sent.body), 'poll.vote'), { choices: 'o2' });
    expect(text(fromReminder.card)).toContain('Din röst är registrerad.');

    await bot.stop();
    // Time passes: the reminder and the deadline are due while the bot is down.
    const rows = db();
    const past = new Date(Date.now() - 1_000).toISOString();
    rows.prepare("update polls set deadline = ? where id = ?").run(past, pollId);
    rows.prepare("update outbox set due_at = ? where key in (?, ?)").run(past, `poll-deadline:${pollId}`, `poll-remind:${pollId}:auto`);
    rows.close();
    connector.reset();
    await bot.start();
    const results = await connector.waitFor((c) => c.kind === 'send' && text(cardOf(c.body)).includes('Resultat av omröstningen'), 10_000);
    const card = cardOf(results.body);
    expect(text(card)).toContain('Omröstningen är stängd. 3 av 5 röstade.');
    expect(text(card)).toContain('67 %');
    expect(text(card)).not.toMatch(/Björn Berg|David Dahl|Eva Ek/);
    // The automatic reminder found the poll closed, or only Åsa and Cecilia: never a voter.
    const asked = connector.calls.filter((c) => c.kind === 'createConversation').map((c) => c.body.members[0].id);
    for (const id of asked) expect([chair.id, eva.id]).toContain(id);
  });

  it('gives an agenda item its decision from a poll tied to it', async () => {
    await say(chair, `nytt möte ${soonMeeting()}`);
    await say(chair, 'dagordning:\n- Val av representant');
    await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
    await say(chair, 'öppna mötet');
    await say(chair, 'nästa');
    await say(chair, 'omröstning');
    const form = lastCard();
    expect(text(form)).toContain('Resultatet blir beslut på punkt Val av representant');
    await client.execute(chat, chair, findAction(form, 'poll.create'), { pQuestion: 'Ska Anna representera rådet?', pOptions: 'Ja\nNej', pTie: 'true' });
    const poll = lastCard();
    for (const who of [chair, bjorn, david]) await client.execute(chat, who, findAction(poll, 'poll.vote'), { choices: 'o1' });
    await client.execute(chat, eva, findAction(poll, 'poll.vote'), { choices: 'o2' });
    const own = (await client.execute(chat, chair, findAction(poll, 'poll.show'))).card;
    await client.execute(chat, chair, findAction(own, 'poll.close'));
    const meetingId = await until(() => {
      const rows = db();
      const row = rows.prepare("select meeting_id from decisions where client_key like 'poll:%'").get() as { meeting_id: string } | undefined;
      rows.close();
      return row?.meeting_id;
    });
    const live = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    expect(text(live)).toContain('Omröstning: Ska Anna representera rådet? Resultat: Ja 3 (75 %), Nej 1 (25 %). 4 röstade.');
    expect(text(live)).toContain('3 för, 1 emot, 0 avstod');
  });
});
