import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zonedToUtc } from '../../src/domain/meeting-time.js';
import { exportCouncil } from '../../src/store/council-export.js';
import { openDatabase } from '../../src/store/database.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, type User, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const secretary = user(2, 'Cecilia Sekreterare');
const members = [chair, secretary, user(3, 'Björn Berg'), user(4, 'David Dahl'), user(5, 'Eva Ek'), user(6, 'Helena Holm')];
const [, , bjorn, david, eva, helena] = members as [User, User, User, User, User, User];
const DAY = '2031-03-12';
const NEXT = '2031-03-22';
const at = (date: string, time: string, seconds = 0) => Date.parse(zonedToUtc(date, time, 'Europe/Stockholm')) + seconds * 1_000;

/** What a council is left with after a run: its data as the admin export has it, what the bot said, the minutes. */
interface Outcome {
  data: unknown;
  chat: string[];
  personal: Record<string, string[]>;
  minutes: string;
  /** What the instances wrote to stdout and stderr. */
  logs: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Ids and instants that differ from run to run by nature (new ids, milliseconds) become placeholders. */
function normalized(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalized(v)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v, k)]));
  if (typeof value !== 'string') return value;
  if (/(_at|At)$/.test(key) && !/^(starts|ends|due)_at$/.test(key) && value !== '') return '<time>';
  if (/activity_?id$/i.test(key)) return '<activity>';
  return value
    .replace(UUID, '<id>')
    .replace(/19:[^@]+@thread\.v2/g, '<chat>')
    .replace(/council-instances-[A-Za-z0-9]+/g, '<dir>');
}

/**
 * Waits until no outbox job is leased or due at `now`. The instances read the clock file apart
 * from each other: a job claimed on the old time would look expired to one already on the new.
 */
async function settled(databaseUrl: string, now: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const busy = await db.query('select count(*)::int as n from outbox where sent_at is null and (lease_until is not null or due_at <= $1)', [now]);
      if (busy.rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('outbox jobs still due or leased after 10 s');
  } finally {
    await db.end();
  }
}

/**
 * One council's meeting, a poll with a deadline and reminders, step by step; `via(n)` is the
 * instance that takes step n. The bot's clock is set before each step, so the two runs agree to the minute.
 */
async function runCouncil(instances: number): Promise<Outcome> {
  const connector = new FakeConnector();
  await connector.start();
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  connector.setRoster(chat.id, members);
  // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
  connector.installFor(...members);
  const dir = mkdtempSync(join(tmpdir(), 'council-instances-'));
  const clockFile = join(dir, 'now');
  let clock = { at: 0, writtenAt: 0 };
  const setClock = async (instant: number) => {
    // What is due now goes out first: a clock jumped past a lease would hand the job out again.
    if (databaseUrl) await settled(databaseUrl, new Date(clock.at + (Date.now() - clock.writtenAt)).toISOString());
    clock = { at: instant, writtenAt: Date.now() };
    writeFileSync(clockFile, new Date(instant).toISOString());
    // Each instance reads the file every 50 ms.
    await new Promise((r) => setTimeout(r, 150));
  };
  let databaseUrl = '';
  await setClock(at(DAY, '09:00'));
  databaseUrl = await createDatabase(inject('postgresUrl'), `instances_${randomUUID().slice(0, 8)}`);
  // One data directory for all, as App Service shares /home between instances (the minutes folder).
  // At debug level, so that every line the bot can write is checked for personal data.
  const env = { DATABASE_URL: databaseUrl, OUTBOX_POLL_MS: '50', ANONYMOUS_VOTE_KEY: 'k'.repeat(40), CLOCK_FILE: clockFile, LOG_LEVEL: 'debug' };
  const bots = await Promise.all(Array.from({ length: instances }, () => new BotProcess({ env, dataDir: join(dir, 'data') }).start()));
  const clients = bots.map((bot) => new TeamsClient(() => bot.url, connector));
  let step = 0;
  const via = () => clients[step++ % clients.length]!;
  const say = async (who: User, text: string) => expect((await via().say(chat, who, text)).status).toBe(200);
  const execute = async (who: User, action: any, inputs: Record<string, unknown> = {}) => {
    const res = await via().execute(chat, who, action, inputs);
    expect(res.status).toBe(200);
    return res.card;
  };
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);
  const live = () => execute(chair, { verb: 'agenda.show', data: { meetingId } });
  /** A card the outbox posts once the turn that queued it is answered. */
  const posted = async (text: string) =>
    cardOf((await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardText(cardOf(c.body)).includes(text), 10_000)).body);
  let meetingId = '';

  try {
    await execute(chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await execute(chair, findAction(await execute(chair, { verb: 'council.show' }), 'council.setRole'), { userId: secretary.id, role: 'secretary' });
    await say(chair, `nytt möte ${DAY} 13:00-16:00 Regionens hus`);
    await say(chair, `nytt möte ${NEXT} 13:00-16:00 Regionens hus`);
    await say(chair, ['dagordning:', '- Förfrågningsunderlag 2027', '- Ersättningsmodell', '- Budget 2027', '- Övriga frågor'].join('\n'));
    await execute(chair, findAction(lastCard(), 'agenda.confirmImport'));

    await setClock(at(DAY, '13:00'));
    await say(chair, 'öppna mötet');
    // The live card; the attendance card the opening posts with it may come after.
    meetingId = findAction(cardOf(connector.sent(chat.id).filter((c) => walkCard(cardOf(c.body)).some((n) => n.verb === 'agenda.show')).at(-1)!.body), 'agenda.show').data.meetingId;
    await say(secretary, 'närvaro');
    const save = findAction(lastCard(), 'attendance.save');
    await execute(secretary, save, Object.fromEntries(save.data.userIds.map((id: string, i: number) => [`s${i}`, id === helena.id ? 'regrets' : 'present'])));
    await say(chair, 'nästa');
    await setClock(at(DAY, '13:10'));
    await say(chair, 'nästa');
    await execute(secretary, findAction(await live(), 'decision.record'), { dText: 'Rådet godkänner förfrågningsunderlaget.', dOutcome: 'decided', dFor: '4', dAgainst: '1' });
    await execute(david, findAction(await posted('Rådet godkänner förfrågningsunderlaget.'), 'decision.reserve'), { rText: 'Underlaget missgynnar små mottagningar.' });
    await say(eva, 'Protokollsanteckning: Uppföljningen redovisas i juni.');
    await posted('Protokollsanteckningen är sparad');
    await say(chair, 'Åtgärd: Björn tar fram en konsekvensanalys senast 2031-04-01');
    await posted('Tar fram en konsekvensanalys');

    await setClock(at(DAY, '13:30'));
    await say(chair, 'nästa');
    await say(secretary, 'Beslut: Ärendet bordläggs på grund av att underlaget saknas.');
    await posted('Bordlagt');
    await say(chair, 'omröstning');
    await execute(chair, findAction(lastCard(), 'poll.create'), { pQuestion: 'Fika på nästa möte?', pOptions: 'Ja\nNej', pAnonymous: 'false', pDate: DAY, pTime: '14:00' });
    const vote = findAction(lastCard(), 'poll.vote');
    for (const [i, voter] of [chair, secretary, bjorn, david, eva].entries()) await execute(voter, vote, { choices: i % 2 === 0 ? 'o1' : 'o2' });
    await execute(david, vote, { choices: 'o1' });

    await setClock(at(DAY, '14:00', 5));
    await connector.waitFor((c) => c.kind === 'send' && cardText(cardOf(c.body)).includes('Resultat av omröstningen'), 10_000);

    await setClock(at(DAY, '14:20'));
    await say(chair, 'nästa');
    await say(secretary, 'Beslut: Rådet fastställer budgeten för 2027.');
    await posted('Rådet fastställer budgeten för 2027.');
    await say(chair, 'avsluta mötet och bordlägg');
    await say(secretary, 'protokoll');
    // The export runs in the background; the clock moves on only once it is done, or its lease would look run out.
    await connector.waitFor((c) => c.kind === 'send' && cardText(cardOf(c.body)).includes('är sparat i Vårdvalsråd/2031'), 20_000);

    // The next meeting's two reminders (7 days and 1 day before, 08.00) are both due.
    const remindedFrom = Date.now();
    await setClock(at(NEXT, '08:00', -86_400 + 5));
    const personal = () => connector.sent().filter((c) => c.conversationId !== chat.id && cardText(cardOf(c.body)).includes('Påminnelse från Vårdvalsråd'));
    for (let waited = 0; personal().length < 2 * members.length && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    // Each reminder's agenda card in the chat as well: after a busy meeting the chat's 60-in-30-s limit may hold them back a while.
    const remindedInChat = () => connector.sent(chat.id).filter((c) => c.at >= remindedFrom && cardText(cardOf(c.body)).startsWith('Dagordning')).length;
    for (let waited = 0; remindedInChat() < 2 && waited < 40_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    // Long enough for both instances to have polled the outbox many times over: anything sent twice would show.
    await new Promise((r) => setTimeout(r, 1_000));

    const owner = new Map(connector.calls.filter((c) => c.kind === 'createConversation').map((c) => [c.conversationId!, c.body.members[0].id as string]));
    const byMember: Record<string, string[]> = {};
    for (const c of connector.sent().filter((c) => c.conversationId !== chat.id)) {
      (byMember[owner.get(c.conversationId!)!] ??= []).push(cardText(cardOf(c.body)));
    }
    const { db } = openDatabase({ databaseUrl });
    try {
      const councilId = (await db.selectFrom('councils').select('id').where('conversation_id', '=', chat.id).executeTakeFirstOrThrow()).id;
      const data = await exportCouncil(db, councilId, '');
      const minutesDir = join(dir, 'data', 'minutes', 'Vårdvalsråd', '2031');
      const markdown = readdirSync(minutesDir).find((f) => f.endsWith('.md'))!;
      return {
        data: normalized(data!.tables),
        chat: connector.sent(chat.id).map((c) => String(normalized(c.body.text ?? cardText(cardOf(c.body))))),
        personal: normalized(byMember) as Record<string, string[]>,
        minutes: readFileSync(join(minutesDir, markdown), 'utf8'),
        logs: bots.map((b) => b.output).join(''),
      };
    } finally {
      await db.destroy();
    }
  } finally {
    for (const bot of bots) await bot.stop();
    await connector.stop();
  }
}

describe('two instances on one PostgreSQL database, taking turns', () => {
  let one: Outcome;
  let two: Outcome;
  beforeAll(async () => {
    one = await runCouncil(1);
    two = await runCouncil(2);
  }, 180_000);
  afterAll(() => undefined);

  it('leave a council with the same data as one instance does: meeting, attendance, decisions, poll, action items', () => {
    expect(two.data).toEqual(one.data);
    const decisions = (one.data as any).decisions.map((d: any) => d.text);
    expect(decisions).toEqual(expect.arrayContaining(['Rådet godkänner förfrågningsunderlaget.', 'Rådet fastställer budgeten för 2027.']));
    expect((one.data as any).poll_ballots).toHaveLength(5);
  });

  it('say the same in the council’s chat, once each: the poll’s results once, whichever instance closed it', () => {
    expect([...two.chat].sort()).toEqual([...one.chat].sort());
    expect(one.chat.filter((t) => t.includes('Resultat av omröstningen'))).toHaveLength(1);
  });

  it('send each member the same personal cards, every reminder once', () => {
    expect(two.personal).toEqual(one.personal);
    for (const m of members) expect(one.personal[m.id]!.filter((t) => t.includes('Påminnelse från Vårdvalsråd')), m.name).toHaveLength(2);
  });

  it('write the same minutes', () => {
    expect(two.minutes).toBe(one.minutes);
    expect(one.minutes).toContain('Rådet fastställer budgeten för 2027.');
  });

  it('log structured lines with ids only: no names, no words anyone wrote', () => {
    const lines = two.logs.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const personal = [...members.map((m) => m.name), 'förfrågningsunderlaget', 'konsekvensanalys', 'Fika på nästa möte', 'mottagningar', 'Uppföljningen redovisas'];
    for (const words of personal) expect(two.logs, words).not.toContain(words);
  });
});
