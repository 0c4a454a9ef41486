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
const david = user(4, 'David Dahl');

const COUNCIL = 'Läkemedelsråd';
const AGENDA = ['dagordning:', '- Mötets öppnande', '- Beslut om budget 2027', '- Lokaler för beslut', '- Övriga frågor'].join('\n');

describe('the minutes of a meeting with a named poll, an item left without its decision and a chosen adjuster', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const when = soonMeeting(120, 'Regionens hus');

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: COUNCIL, locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    await say(chair, `nytt möte ${when}`);
    await say(chair, AGENDA);
    await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
    await say(chair, 'öppna mötet');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('asks at closing about an item planned for a decision that got none, and says so after the close', async () => {
    expect(await say(chair, 'nästa')).toContain('Mötets öppnande');
    expect(await say(chair, 'nästa')).toContain('Beslut om budget 2027');
    await say(chair, 'omröstning: Ska rådet anta budgeten?\nJa\nNej');
    const poll = lastCard();
    for (const [who, choice] of [[bjorn, 'o1'], [david, 'o2']] as const) {
      expect(cardText((await client.execute(chat, who, findAction(poll, 'poll.vote'), { choices: choice })).card)).toContain('Din röst är registrerad.');
    }
    const own = (await client.execute(chat, chair, findAction(poll, 'poll.show'))).card;
    expect(cardText((await client.execute(chat, chair, findAction(own, 'poll.close'))).card)).toContain('Omröstningen är stängd.');

    const asked = await say(chair, 'avsluta mötet');
    expect(asked).toMatch(/Planerade för beslut men utan registrerat beslut: \d+\. Beslut om budget 2027\. Skriv beslutet innan du avslutar, eller avsluta ändå/);
    const card = lastCard();
    const labels = walkCard(card).filter((n) => n.type === 'Input.ChoiceSet').map((n) => n.label);
    expect(labels).toContainEqual(expect.stringMatching(/^\d+\. Lokaler för beslut \(planerad för beslut\)$/));
    expect(labels).toContainEqual(expect.stringMatching(/^\d+\. Övriga frågor$/));
    // Asking changed nothing: the chair can still record the decision.
    expect(await say(chair, 'avsluta mötet')).toContain('Beslut om budget 2027');

    const inputs = Object.fromEntries(walkCard(card).filter((n) => n.type === 'Input.ChoiceSet').map((n) => [n.id, n.value]));
    const closed = await client.execute(chat, chair, findAction(card, 'meeting.close'), inputs);
    expect(cardText(closed.card)).toMatch(/Mötet avslutades \d{2}\.\d{2}\./);
    const notice = said(await sentSaying(connector, chat.id, 'Mötet avslutades'));
    expect(notice).toMatch(/Obs: planerade för beslut men utan beslut: \d+\. Beslut om budget 2027\. Det står markerat i protokollsutkastet\./);
    // The item tabled at the close has its outcome: it is not flagged.
    expect(notice).not.toMatch(/utan beslut:.*Lokaler/);
  });

  it('writes the poll under its item with who voted what, marks the item without its decision, and puts the adjuster on the signature page', async () => {
    expect(await say(chair, 'justerare: David Dahl')).toContain('Justerare för protokollet: David Dahl.');
    connector.reset();
    await client.say(chat, cecilia, 'protokoll');
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardTexts(cardOf(c.body)).some((t) => t.includes('Protokollsutkastet från')), 15_000);
    const dir = join(bot.dataDir, 'minutes', COUNCIL, when.slice(0, 4));
    const file = (ext: string) => readdirSync(dir).find((f) => f.endsWith(`protokoll utkast${ext}`))!;
    const markdown = readFileSync(join(dir, file('.md')), 'utf8');
    const word = await docxText(readFileSync(join(dir, file('.docx'))));

    // An imported agenda keeps its own numbers: the standing item goes before item 1 without one.
    expect(markdown).toContain('### Föregående mötes protokoll och åtgärder');
    expect(markdown).toMatch(/\*\*Ska rådet anta budgeten\?\*\*\n\n\*Punkt \d+ – Beslut om budget 2027\*\n\n- Ja: 1\n- Nej: 1\n\n2 röstade\. Öppen omröstning\. Så röstade var och en:\n\n- Björn Berg: Ja\n- David Dahl: Nej\n/);
    expect(markdown).toMatch(/### \d+\. Beslut om budget 2027\n\n\*\*⚠ Planerad för beslut – inget beslut är registrerat\.\*\*/);
    expect(markdown).toMatch(/> \*\*Att kontrollera före justering – planerade för beslut men utan registrerat beslut: \d+\. Beslut om budget 2027\.\*\*/);
    expect(markdown).toMatch(/\*\*David Dahl\*\*, justerare {2}\n\*Ej justerat\*/);

    expect(word).toMatch(/Ska rådet anta budgeten\?\nPunkt \d+ – Beslut om budget 2027\nJa: 1\nNej: 1\n2 röstade\. Öppen omröstning\. Så röstade var och en:\nBjörn Berg: Ja\nDavid Dahl: Nej\n/);
    expect(word).toMatch(/\n\d+\. Beslut om budget 2027\n⚠ Planerad för beslut – inget beslut är registrerat\./);
    const signatures = word.slice(word.lastIndexOf('Justering\n'));
    const line = '_'.repeat(39);
    expect(signatures).toContain([line, 'Åsa Ordförande, ordförande', line, 'Cecilia Sekreterare, sekreterare', line, 'David Dahl, justerare', 'Ej justerat', ''].join('\n'));
  }, 60_000);
});
