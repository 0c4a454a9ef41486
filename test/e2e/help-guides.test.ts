import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');

const headings = (card: unknown) => walkCard(card).filter((n) => n.type === 'TextBlock' && n.style === 'heading').map((n) => n.text as string);

describe('help that guides, over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  // The Playground and many Teams clients send en-US whatever language the person writes in.
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', locale: 'en-US' };

  async function say(who: User, message: string, mention = true) {
    connector.reset();
    expect((await client.say(chat, who, message, { mention })).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100' } }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('answers a Swedish question in Swedish, with the way to set the council up', async () => {
    const answer = await say(bjorn, 'hur skapar jag ett råd?');
    expect(answer).toContain('Jag förstod inte "hur skapar jag ett råd?"');
    expect(answer).toContain('skriv "konfigurera"');
    expect(answer).not.toContain('I did not understand');
    expect(await say(bjorn, 'how do I create a council?')).toContain('type "setup"');
  });

  it('names the next step once the council is set up', async () => {
    const { card } = await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    expect(cardText(card)).toContain('Nästa steg: planera rådets första möte med "nytt möte".');
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    // With no meeting yet, the way to plan one, with a date that has not passed.
    const answer = await say(chair, 'dagordning');
    const example = /nytt möte (\d{4}-\d{2}-\d{2}) 13:00-16:00/.exec(answer);
    expect(example?.[1]! > utcToZoned(new Date().toISOString(), 'Europe/Stockholm').date).toBe(true);
  });

  it('offers "Menade du …?" for a near miss of a command word', async () => {
    expect(await say(bjorn, 'dagordnig')).toBe('Menade du "dagordning"? Skriv "hjälp" för att se alla kommandon.');
    expect(await say(bjorn, 'protokol')).toContain('Menade du "protokoll"?');
    expect(await say(bjorn, 'agneda')).toBe('Did you mean "agenda"? Type "help" to see all commands.');
  });

  it('shows each role its own help, grouped by task', async () => {
    await say(bjorn, 'hjälp');
    const member = lastCard();
    expect(headings(member)).toEqual(['Det här kan Rådsassistenten', 'Förbered mötet', 'Under mötet', 'Efter mötet', 'Rådet']);
    const memberText = cardTexts(member).join('\n');
    expect(memberText).toContain('**Reservation: skäl**');
    for (const command of ['öppna mötet', 'nytt möte', 'Beslut:', 'avsluta mötet', 'beslutförhet', 'omröstning']) expect(memberText).not.toContain(command);

    await say(cecilia, 'hjälp');
    const secretaryText = cardText(lastCard());
    expect(secretaryText).toContain('**öppna mötet**');
    expect(secretaryText).not.toContain('beslutförhet');

    await say(chair, 'hjälp');
    const chairText = cardText(lastCard());
    const today = utcToZoned(new Date().toISOString(), 'Europe/Stockholm').date;
    const example = /nytt möte (\d{4}-\d{2}-\d{2}) 13:00-16:00/.exec(chairText);
    expect(example?.[1]! > today).toBe(true);
    expect(chairText).toContain('**beslutförhet 5 · majoritet · av**');
  });

  it('tells a member who may not start polls so before the form', async () => {
    const answer = await say(bjorn, 'omröstning');
    expect(answer).toContain('I det här rådet startar ordförande och sekreterare omröstningar.');
    expect(walkCard(lastCard()).some((n) => n.type === 'Action.Execute' && n.verb === 'poll.create')).toBe(false);
  });

  it('says how to open the meeting when a decision comes with none open', async () => {
    const answer = await say(chair, 'Beslut: Rådet tackar för rapporten.');
    expect(answer).toContain('Inget möte pågår.');
    expect(answer).toContain('"öppna mötet"');
  });

  it('says in the personal chat where council commands are typed', async () => {
    const personal = await client.installPersonal(bjorn);
    connector.reset();
    await client.say(personal, bjorn, 'dagordning');
    const answer = connector.sent(personal.id).map((c) => c.body.text ?? cardText(cardOf(c.body))).join('\n');
    expect(answer).toContain('Det här görs i rådets kanal eller gruppchatt, inte i den personliga chatten.');
    expect(answer).not.toContain('Skriv "konfigurera"');
  });

  it('names the next step after planning and after the agenda, and takes a decision without its colon', async () => {
    expect(await say(chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`)).toContain('Nästa steg: lägg in dagordningen');
    await say(chair, ['dagordning:', '1. Rapport från förvaltningen', '2. Övriga frågor'].join('\n'));
    const saved = await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
    expect(cardText(saved.card)).toContain('Nästa steg: skriv "öppna mötet" när mötet börjar.');

    await say(cecilia, 'öppna mötet');
    // Each person once on the attendance card, however it is laid out.
    const attendance = connector.sent(chat.id).map((c) => cardOf(c.body)).find((card) => card && cardText(card).includes('Närvaro'));
    for (const person of [chair, cecilia, bjorn]) expect(cardTexts(attendance).filter((s) => s === person.name)).toHaveLength(1);

    connector.reset();
    expect((await client.say(chat, chair, 'Beslut Rådet tackar för rapporten.', { mention: true })).status).toBe(200);
    const decision = await connector.waitFor((c) => c.conversationId === chat.id && cardText(cardOf(c.body) ?? {}).includes('Rådet tackar för rapporten.'), 10_000);
    expect(cardText(cardOf(decision.body))).toContain('Beslut');
  });
});
