import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { said, sentSaying } from '../support/delivered.js';
import { docxText } from '../support/docx-text.js';
import { FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');

const COUNCIL = 'Vårdvalsråd Norr';
// The chair's own numbers, with sub-items, and the slip every real agenda has once: two items 5.
const AGENDA = [
  'dagordning:',
  '1. Mötets öppnande',
  '2. Rapporter',
  '2 a. Rapport från vårdvalsenheten',
  '2 b. Rapport från primärvårdsrådet',
  '3. Ekonomi',
  '3 a. Budget 2027',
  '4. Övriga frågor',
  '5. Nästa möte',
  '5. Mötets avslutande',
].join('\n');
const STANDING = 'Föregående mötes protokoll och åtgärder';

/** The agenda card's rows as "number|title", the current one marked with ▶. */
function rows(card: any): string[] {
  return walkCard(card)
    .filter((n) => n.type === 'ColumnSet' && n.columns?.length >= 3)
    .map((row) => {
      const number = cardTexts(row.columns[0]).join('');
      const title = cardTexts(row.columns[2]).filter((x) => !x.startsWith('▶'))[0] ?? '';
      return `${row.style === 'accent' ? '▶' : ''}${number}|${title}`;
    })
    .filter((r) => !r.endsWith('|'));
}

describe('the chair’s numbers stay the chair’s, over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const when = soonMeeting(120, 'Regionens hus');
  let meetingId = '';
  let savedCard: any;

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);
  const live = async () => (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
  const current = async () => rows(await live()).find((r) => r.startsWith('▶'));

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: COUNCIL, locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    await say(chair, `nytt möte ${when}`);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('saves a pasted agenda with the numbers it was written with, the standing item first and unnumbered', async () => {
    await say(chair, AGENDA);
    const saved = await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
    savedCard = saved.card;
    expect(rows(saved.card)).toEqual([
      `|${STANDING}`,
      '1|Mötets öppnande',
      '2|Rapporter',
      '2 a|Rapport från vårdvalsenheten',
      '2 b|Rapport från primärvårdsrådet',
      '3|Ekonomi',
      '3 a|Budget 2027',
      '4|Övriga frågor',
      '5|Nästa möte',
      '5|Mötets avslutande',
    ]);
  });

  it('gives an item added on the card the next free number, keeps it through a move, and no other number changes', async () => {
    const added = await client.execute(chat, chair, findAction(savedCard, 'agenda.addItem'), { title: 'Nästa mötes datum', kind: 'information', level: '0' });
    expect(rows(added.card).at(-1)).toBe('6|Nästa mötes datum');
    const itemId = walkCard(added.card).find((n) => n.id === 'itemId').choices.at(-1).value;
    const moved = await client.execute(chat, chair, findAction(added.card, 'agenda.moveItem'), { itemId, direction: 'up' });
    expect(rows(moved.card).slice(-3)).toEqual(['5|Nästa möte', '6|Nästa mötes datum', '5|Mötets avslutande']);
    const removed = await client.execute(chat, chair, findAction(moved.card, 'agenda.removeItem'), { itemId });
    expect(rows(removed.card)).toHaveLength(10);
    expect(rows(removed.card).slice(1, 4)).toEqual(['1|Mötets öppnande', '2|Rapporter', '2 a|Rapport från vårdvalsenheten']);
  });

  it('opens on the standing item without taking a number from the chair’s items', async () => {
    const opened = await say(chair, 'öppna mötet');
    expect(opened).toContain(`Mötet är öppnat. Nu: ${STANDING}`);
    meetingId = findAction(cardOf(connector.sent(chat.id).find((c) => cardOf(c.body))!.body), 'agenda.show').data.meetingId;
    await client.execute(chat, chair, findAction(lastCard(), 'attendance.save'), { s0: 'present', s1: 'present', s2: 'present' });
  });

  it('goes to "punkt 2 a" however it is typed, and records the next decision on 2 a', async () => {
    expect(await say(chair, 'punkt 2.a')).toContain('Nu: punkt 2 a – Rapport från vårdvalsenheten');
    expect(await say(cecilia, 'item 3a')).toContain('Nu: punkt 3 a – Budget 2027');
    expect(await say(chair, 'punkt 2a')).toContain('Nu: punkt 2 a – Rapport från vårdvalsenheten');
    expect(await say(chair, 'punkt 2 a')).toContain('Nu: punkt 2 a – Rapport från vårdvalsenheten');
    await say(chair, 'Beslut: Rådet lägger rapporten till handlingarna.');
    const card = said(await sentSaying(connector, chat.id, 'Rådet lägger rapporten till handlingarna.'));
    expect(card).toContain('Beslut registrerat på punkt 2 a – Rapport från vårdvalsenheten');
    const minutesView = await live();
    const decisionRow = walkCard(minutesView).find((n) => n.type === 'ColumnSet' && cardTexts(n).includes('Rådet lägger rapporten till handlingarna.'));
    expect(cardTexts(decisionRow)).toContain('Rapport från vårdvalsenheten');
  });

  it('asks which item when two carry the number, and moves nowhere until answered', async () => {
    const asked = await say(chair, 'punkt 5');
    expect(asked).toContain('Vilken punkt menar du?');
    expect(asked).toContain('2 punkter har nummer 5 på dagordningen.');
    const choices = walkCard(lastCard()).filter((n) => n.verb === 'meeting.goTo');
    expect(choices.map((c) => c.title)).toEqual(['5. Nästa möte', '5. Mötets avslutande']);
    expect(await current()).toBe('▶2 a|Rapport från vårdvalsenheten');
    // Nothing was recorded elsewhere meanwhile.
    const answered = await client.execute(chat, chair, choices[1]);
    expect(cardText(answered.card)).toContain('Nu: punkt 5 – Mötets avslutande');
    expect(await current()).toBe('▶5|Mötets avslutande');
  });

  it('asks when a number is not on the agenda, offering the items nearest to it, and changes nothing', async () => {
    const missing = await say(chair, 'punkt 2 c');
    expect(missing).toContain('Dagordningen har ingen punkt 2 c.');
    expect(walkCard(lastCard()).filter((n) => n.verb === 'meeting.goTo').map((c) => c.title)).toEqual([
      '2. Rapporter',
      '2 a. Rapport från vårdvalsenheten',
      '2 b. Rapport från primärvårdsrådet',
    ]);
    expect(await say(chair, 'punkt 9')).toContain('Dagordningen har ingen punkt 9.');
    expect(await current()).toBe('▶5|Mötets avslutande');
    // A member gets no choice to make.
    expect(await say(bjorn, 'punkt 5')).toContain('Det här får bara rådets ordförande');
  });

  it('keeps the chair’s numbers across a restart, for commands and the card’s decision form', async () => {
    await bot.restart();
    expect(await say(chair, 'punkt 3 a')).toContain('Nu: punkt 3 a – Budget 2027');
    const card = await live();
    const record = findAction(card, 'decision.record');
    const answered = await client.execute(chat, chair, record, { dText: 'Rådet fastställer budgeten för 2027.', dOutcome: 'decided' });
    expect(cardText(answered.card)).toContain('Beslutet är registrerat på punkt 3 a – Budget 2027.');
  });

  it('writes the chair’s numbers in the minutes, decisions under the items they were taken on', async () => {
    await say(chair, 'avsluta mötet och bordlägg');
    connector.reset();
    await client.say(chat, cecilia, 'protokoll');
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardTexts(cardOf(c.body)).some((t) => t.includes('Protokollsutkastet från')), 15_000);
    const dir = join(bot.dataDir, 'minutes', COUNCIL, when.slice(0, 4));
    const file = (ext: string) => join(dir, readdirSync(dir).filter((f) => f.endsWith(`protokoll utkast${ext}`))[0]!);
    const markdown = readFileSync(file('.md'), 'utf8');
    expect(markdown).toContain(`### ${STANDING}\n`);
    expect(markdown).toMatch(/#### 2 a\. Rapport från vårdvalsenheten\n[\s\S]*Rådet lägger rapporten till handlingarna\.[\s\S]*#### 2 b\. Rapport från primärvårdsrådet/);
    expect(markdown).toMatch(/#### 3 a\. Budget 2027\n[\s\S]*Rådet fastställer budgeten för 2027\.[\s\S]*### 4\. Övriga frågor/);
    const word = await docxText(readFileSync(file('.docx')));
    expect(word).toContain('2 a. Rapport från vårdvalsenheten');
    expect(word).toContain('3 a. Budget 2027');
    expect(word).not.toContain(`. ${STANDING}`);
  });
});
