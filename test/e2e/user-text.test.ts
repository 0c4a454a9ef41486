import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { HOSTILE, HOSTILE_TEXT, liveUserMarkup } from '../support/markdown.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const U = HOSTILE_TEXT;
const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, `Björn ${HOSTILE[0]}`);

/**
 * What people write comes back in the bot's replies as they wrote it, and never as a link,
 * HTML or emphasis: text messages go out as plain text (Teams renders text as markdown by
 * default), cards carry it in text runs.
 */
describe('user text in what the bot sends, over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: U };
  const everything: ConnectorCall[] = [];

  /** Runs a step and keeps everything the bot sent or updated for the checks at the end. */
  async function step<T>(run: () => Promise<T>): Promise<{ result: T; calls: ConnectorCall[] }> {
    connector.reset();
    const result = await run();
    const calls = connector.calls.filter((c) => c.kind === 'send' || c.kind === 'update');
    everything.push(...calls);
    return { result, calls };
  }

  const texts = (calls: ConnectorCall[]) => calls.filter((c) => typeof c.body?.text === 'string' && !c.body.attachments?.length).map((c) => c.body);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('sets up a council whose name is a link and HTML', async () => {
    const { result } = await step(() => client.execute(chat, chair, { verb: 'council.setup', data: { v: 1 } }, { name: U, locale: 'sv', timeZone: 'Europe/Stockholm' }));
    expect(cardText(result.card)).toContain(U);
    expect(liveUserMarkup(result.card)).toEqual([]);
    const again = await step(() => client.execute(chat, chair, { verb: 'council.setup', data: { v: 1 } }, { name: 'Annat', locale: 'sv', timeZone: 'Europe/Stockholm' }));
    expect(cardText(again.result.card)).toContain(`redan rådet "${U}"`);
    expect(liveUserMarkup(again.result.card)).toEqual([]);
  });

  it('echoes an unknown command as plain text', async () => {
    const { calls } = await step(() => client.say(chat, chair, '[logga in igen](https://evil.example/login)', { mention: true }));
    const [reply] = texts(calls);
    expect(reply?.text).toBe('Jag förstod inte "[logga in igen](https://evil.example/login)". Skriv "hjälp" för att se vad jag kan göra.');
    expect(reply?.textFormat).toBe('plain');
  });

  it('echoes a meeting it did not understand as plain text', async () => {
    // The message text is what Teams flattened; tags are gone from it before commands are read.
    const { calls } = await step(() => client.say(chat, chair, `nytt möte ${HOSTILE[0]} ${HOSTILE[2]}`));
    const [reply] = texts(calls);
    expect(reply?.text).toContain(`"${HOSTILE[0]} ${HOSTILE[2]}"`);
    expect(reply?.textFormat).toBe('plain');
  });

  it('lists a meeting whose title and place are links and HTML as text', async () => {
    await step(() => client.say(chat, chair, `nytt möte 2027-12-02 13:00-16:00 ${U}`));
    const { calls } = await step(() => client.say(chat, bjorn, 'möten'));
    const card = cardOf(calls[0]!.body);
    expect(cardText(card)).toContain(U);
    expect(liveUserMarkup(card)).toEqual([]);
  });

  it('shows guests named with links and HTML as text in the council card', async () => {
    const card = (await step(() => client.execute(chat, chair, { verb: 'council.show', data: { v: 1 } }))).result.card;
    const { result } = await step(() => client.execute(chat, chair, findAction(card, 'council.addGuest'), { guestName: HOSTILE[3], guestOrganisation: HOSTILE[0], guestEmail: '' }));
    expect(cardText(result.card)).toContain(HOSTILE[3]);
    expect(liveUserMarkup(result.card)).toEqual([]);
  });

  it('quotes a duplicate poll option as text in the error', async () => {
    const { calls } = await step(() => client.say(chat, chair, `omröstning: Fråga? | ${HOSTILE[0]} | ${HOSTILE[0]}`));
    // The reply is a new message; an update the outbox still had for the council card may arrive beside it.
    const card = cardOf(calls.find((c) => c.kind === 'send')!.body);
    expect(cardText(card)).toContain(`Alternativet "${HOSTILE[0]}" finns två gånger.`);
    expect(liveUserMarkup(card)).toEqual([]);
  });

  it('sent every text message as plain text and every card without user markup', () => {
    expect(everything.length).toBeGreaterThan(6);
    for (const call of everything) {
      if (call.body?.attachments?.length) for (const a of call.body.attachments) expect(liveUserMarkup(a.content)).toEqual([]);
      else if (typeof call.body?.text === 'string') expect(call.body.textFormat).toBe('plain');
    }
  });
});
