/**
 * An anonymous poll, with a reminder to those who had not voted, is closed; then someone with
 * the database files (the SQLite file and its WAL, or PostgreSQL's pages), the outbox, the
 * admin's export and the minutes, and even the vote key, tries to tie a ballot to a voter.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BotProcess, projectRoot } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const VOTE_KEY = 'v'.repeat(40);
const chair = user(1, 'Åsa Ordförande');
const voters = [user(2, 'Björn Berg'), user(3, 'Cecilia Ek'), user(4, 'David Dahl'), user(5, 'Eva Ek'), user(6, 'Fia Falk'), user(7, 'Gustav Gran')];
const members = [chair, ...voters];
const [bjorn, cecilia, david, eva, fia] = voters as [User, User, User, User, User, User];
const QUESTION = 'Vem ska leda arbetsgruppen?';

const hmac = (data: string) => createHmac('sha256', VOTE_KEY).update(data).digest('base64url');

interface Backend {
  name: string;
  env(): Promise<Record<string, string>>;
}

const backends: Backend[] = [
  { name: 'sqlite', env: async () => ({}) },
  { name: 'postgres', env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `privacy_${randomUUID().slice(0, 8)}`) }) },
];

/** Every place a byte string occurs in a buffer. */
function occurrences(haystack: Buffer, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

describe.each(backends)('an anonymous poll, once closed, links no ballot to a voter on $name', (backend) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  let env: Record<string, string> = {};
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let pollId = '';
  const sqliteFile = () => join(bot.dataDir, 'council-assistant.sqlite');

  /** What an attacker who knows the vote key looks for: each voter's ballot key and reminder key, their ids. */
  function traces(): { who: string; needle: string }[] {
    return members.flatMap((m) => [
      { who: m.name, needle: hmac(`${pollId}\u0000${m.id}`) },
      { who: m.name, needle: hmac(`reminder:${pollId}\u0000${m.id}`) },
      // A reminder job's payload as it was queued.
      { who: m.name, needle: `"userId":"${m.id}"` },
    ]);
  }
  /** Ballot choices as stored, in whatever order they still lie. */
  const CHOICES = ['["o1"]', '["o2"]', '["o3"]'];

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (backend.name === 'sqlite') {
      const db = new Database(sqliteFile(), { readonly: true });
      try {
        return db.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as T[];
      } finally {
        db.close();
      }
    }
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, members);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(...members);
    env = await backend.env();
    bot = await new BotProcess({ env: { ...env, OUTBOX_POLL_MS: '100', ANONYMOUS_VOTE_KEY: VOTE_KEY } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, `nytt möte ${soonMeeting()}`);
    await client.say(chat, chair, 'dagordning:\n- Val av arbetsgruppens ledare');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body), 'agenda.confirmImport'), {});
    await client.say(chat, chair, 'öppna mötet');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('shows live counts of an anonymous poll only once 5 have voted, as its form says; reminders name nobody once sent', async () => {
    connector.reset();
    await client.say(chat, chair, 'omröstning');
    const form = cardOf(connector.sent(chat.id).at(-1)!.body);
    // Soft, so the poll is run whatever these say and the next test can look for traces.
    expect.soft(cardText(form)).toContain('En anonym omröstning visar resultatet först när den är stängd, eller med löpande resultat när minst 5 har röstat');
    await client.execute(chat, chair, findAction(form, 'poll.create'), { pQuestion: QUESTION, pOptions: 'Anna\nBjörn\nCecilia', pAnonymous: 'true', pResults: 'live' });
    const card = cardOf(connector.sent(chat.id).at(-1)!.body);
    expect.soft(cardText(card)).toContain('Resultatet visas när minst 5 har röstat');
    const vote = findAction(card, 'poll.vote');
    pollId = vote.data.pollId;

    const first = await client.execute(chat, bjorn, vote, { choices: 'o1' });
    expect.soft(cardText(first.card)).toContain('Resultatet visas när minst 5 har röstat eller när omröstningen är stängd.');
    expect.soft(cardText(first.card)).not.toMatch(/(?<!\d)\d+ röst(er)?\b/);
    await client.execute(chat, cecilia, vote, { choices: 'o2' });

    // The chair reminds those who have not voted; three of them vote after it.
    const own = (await client.execute(chat, chair, findAction(card, 'poll.show'))).card;
    expect(cardText((await client.execute(chat, chair, findAction(own, 'poll.remind'))).card)).toContain('Påminnelse skickas till 5 som inte röstat.');
    await connector.waitFor(() => connector.calls.filter((c) => c.kind === 'send' && c.conversationId !== chat.id).length >= 5, 10_000);
    // Sent reminders are blanked: neither key nor payload names the member any longer.
    const deadline = Date.now() + 10_000;
    let reminders: { key: string; payload: string }[] = [];
    while (Date.now() < deadline) {
      reminders = await query<{ key: string; payload: string }>("select key, payload from outbox where kind = 'pollReminderTo'");
      if (reminders.length === 5 && reminders.every((r) => r.payload === '{}')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect.soft(reminders.map((r) => r.payload)).toEqual(['{}', '{}', '{}', '{}', '{}']);
    for (const r of reminders) for (const m of members) expect.soft(r.key).not.toContain(m.id);

    await client.execute(chat, david, vote, { choices: 'o1' });
    await client.execute(chat, eva, vote, { choices: 'o3' });
    const fifth = await client.execute(chat, fia, vote, { choices: 'o1' });
    expect.soft(cardText(fifth.card)).toContain('3 röster');
    expect.soft(cardText(fifth.card)).toContain('5 av 7 har röstat');
  });

  it('after closing keeps the counts and nothing that ties a ballot to a voter: pages, WAL, xmin, outbox, export, minutes', async () => {
    const own = (await client.execute(chat, chair, { verb: 'poll.show', data: { pollId } })).card;
    connector.reset();
    const closed = await client.execute(chat, chair, findAction(own, 'poll.close'));
    expect(cardText(closed.card)).toContain('Omröstningen är stängd. 5 av 7 röstade.');
    // The results go out after the deleted ballots are scrubbed from the files.
    await connector.waitFor((c) => c.kind === 'send' && cardText(cardOf(c.body)).includes('Resultat av omröstningen'), 15_000);
    expect(cardText(cardOf(connector.sent(chat.id).find((c) => cardText(cardOf(c.body)).includes('Resultat av omröstningen'))!.body))).toContain('60 %');

    // Everything found that could tie a ballot to a voter, as an attacker would report it.
    const found: string[] = [];
    const outbox = await query<{ key: string; kind: string; payload: string }>('select key, kind, payload from outbox');
    for (const row of outbox) {
      for (const t of traces()) if (`${row.key} ${row.payload}`.includes(t.needle)) found.push(`outbox ${row.kind} ${row.key} names ${t.who}`);
      if (row.kind.startsWith('poll')) for (const m of members) if (`${row.key} ${row.payload}`.includes(m.id)) found.push(`outbox ${row.kind} ${row.key} holds the id of ${m.name}`);
    }

    // The raw bytes of the database as stored.
    const raw: { where: string; bytes: Buffer }[] = [];
    if (backend.name === 'sqlite') {
      for (const suffix of ['', '-wal', '-shm', '-journal']) {
        const file = `${sqliteFile()}${suffix}`;
        if (existsSync(file)) raw.push({ where: `council-assistant.sqlite${suffix}`, bytes: readFileSync(file) });
      }
      // Page by page: the ballots' table (a b-tree without rowid) holds no cell, and no bytes of old ones.
      const db = new Database(sqliteFile(), { readonly: true });
      try {
        const pageSize = Number(db.pragma('page_size', { simple: true }));
        const pages = db.prepare("select pageno, ncell from dbstat where name = 'poll_ballots'").all() as { pageno: number; ncell: number }[];
        expect(pages.length).toBeGreaterThan(0);
        for (const p of pages) if (p.ncell > 0) found.push(`page ${p.pageno} of poll_ballots holds ${p.ncell} cells, in the order they were written`);
        // The main file as the checkpoint after closing left it (later frames are in the WAL, read below).
        const file = readFileSync(sqliteFile());
        for (const p of pages) {
          const page = file.subarray((p.pageno - 1) * pageSize, p.pageno * pageSize);
          if (page.length !== pageSize) continue;
          // Past the 8-byte header only stale 2-byte slots of the old cell pointer array may be
          // left (at most one per ballot), each pointing at zeroed bytes: no cell survives.
          const slots = 8 + 2 * 5;
          if (!page.subarray(slots).every((b) => b === 0)) found.push(`page ${p.pageno} of poll_ballots keeps bytes of old cells`);
          for (let at = 8; at < slots; at += 2) {
            const offset = page.readUInt16BE(at);
            if (offset !== 0 && !(offset >= slots && page.subarray(offset, offset + 16).every((b) => b === 0))) found.push(`page ${p.pageno} points at a cell at ${offset}`);
          }
        }
      } finally {
        db.close();
      }
    } else {
      // Rows that remain, with their xmin (the order their transactions ran) and place in the heap.
      const rows = await query<{ xmin: string; ctid: string; choices: string }>('select xmin, ctid, choices from poll_ballots where poll_id = $1 order by xmin::text::bigint', [pollId]);
      for (const r of rows) found.push(`poll_ballots row ${r.ctid} xmin ${r.xmin}: ${r.choices}`);
      await query('create extension if not exists pageinspect');
      const relations = await query<{ name: string }>(
        "select c.relname as name from pg_class c where c.relname in ('poll_ballots', 'outbox', 'polls') " +
          "or c.oid in (select indexrelid from pg_index where indrelid in ('poll_ballots'::regclass, 'outbox'::regclass, 'polls'::regclass))",
      );
      expect(relations.map((r) => r.name)).toContain('poll_ballots_pk');
      for (const { name } of relations) {
        const [{ pages }] = (await query<{ pages: string }>(`select pg_relation_size('${name}') / 8192 as pages`)) as [{ pages: string }];
        for (let block = 0; block < Number(pages); block++) {
          const [{ page }] = (await query<{ page: Buffer }>(`select get_raw_page('${name}', ${block}) as page`)) as [{ page: Buffer }];
          raw.push({ where: `${name} block ${block}`, bytes: page });
        }
      }
    }
    expect(raw.length).toBeGreaterThan(0);
    for (const { where, bytes } of raw) {
      for (const t of traces()) if (occurrences(bytes, t.needle) > 0) found.push(`${where} holds ${t.needle} of ${t.who}`);
      // Choices as ballots store them: in the order they lie, they would be the voting order.
      for (const c of CHOICES) if (occurrences(bytes, c) > 0) found.push(`${where} holds ${occurrences(bytes, c)} ballots ${c}`);
    }

    // The admin's export.
    const exported = await new Promise<string>((resolveRun, reject) =>
      execFile(
        process.execPath,
        [join(projectRoot, 'dist', 'src', 'export-council.js'), chat.id],
        { env: { PATH: process.env.PATH, DATA_DIR: bot.dataDir, ...(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {}) } },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolveRun(stdout)),
      ),
    );
    for (const t of traces()) if (exported.includes(t.needle)) found.push(`the export holds ${t.needle} of ${t.who}`);
    for (const c of CHOICES) if (exported.includes(JSON.stringify(c).slice(1, -1))) found.push(`the export holds a ballot ${c}`);
    expect(found).toEqual([]);

    // What is left: the counts on the poll, no ballot, no reminder.
    const [poll] = await query<{ tally: string }>('select tally from polls where id = $1', [pollId]);
    expect(JSON.parse(poll!.tally)).toEqual({ voters: 5, votes: { o1: 3, o2: 1, o3: 1 } });
    expect(await query('select * from poll_ballots')).toEqual([]);
    expect(await query("select key from outbox where kind = 'pollReminderTo'")).toEqual([]);
    const data = JSON.parse(exported);
    expect(data.tables.polls.find((p: { id: string }) => p.id === pollId).tally).toBe(poll!.tally);
    expect(data.tables.poll_ballots).toEqual([]);

    // The minutes: the counts, and that the vote was secret.
    connector.reset();
    await client.say(chat, chair, 'protokoll');
    await connector.waitFor((c) => c.kind === 'send' && cardText(cardOf(c.body)).includes('Protokollsutkastet från'), 15_000);
    const dir = join(bot.dataDir, 'minutes', 'Vårdvalsråd', String(new Date().getFullYear()));
    const markdown = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.md'))!), 'utf8');
    const section = markdown.slice(markdown.indexOf(`**${QUESTION}**`));
    expect(section).toContain('- Anna: 3');
    expect(section).toContain('5 röstade. Sluten omröstning.');
    const pollPart = section.slice(0, section.indexOf('Sluten omröstning.'));
    for (const m of members) expect(pollPart).not.toContain(m.name);
    for (const t of traces()) expect(markdown).not.toContain(t.needle);
  });
});
