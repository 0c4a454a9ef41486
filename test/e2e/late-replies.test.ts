import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { said, sentSaying, updateOf } from '../support/delivered.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

/**
 * Typed commands whose replies Teams is slow to take: the turn answers Teams' HTTP request by
 * REPLY_WAIT_MS, whether or not the connector has taken its replies; they follow in order once it
 * does; one it then refuses goes out through the outbox; a card's id given late is still kept; and
 * a reply not yet begun when the process stops goes out after the restart.
 */
describe('replies Teams takes only after the turn has answered', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let release = () => {};
  let released = Promise.resolve();
  let liveId = '';

  const toChat = (text: string) => (c: ConnectorCall) => c.kind === 'send' && c.conversationId === chat.id && said(c).includes(text);
  const holding = () => {
    released = new Promise<void>((r) => (release = r));
    connector.reset();
  };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess({ env: { REPLY_WAIT_MS: '200', SHUTDOWN_GRACE_MS: '3000' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, `nytt möte ${soonMeeting(120)}`);
    connector.reset();
    await client.say(chat, chair, 'dagordning:\n- Budget 2027\n- Remiss om vårdval\n- Övriga frågor');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
  });
  afterAll(async () => {
    release();
    await bot?.stop();
    await connector.stop();
  });

  it('answers "öppna mötet" while the live card is held; the card and the text follow in order, and the card’s id is kept', async () => {
    holding();
    const held = connector.holdUntil((c) => c.kind === 'send' && c.conversationId === chat.id && cardOf(c.body) !== undefined, released);
    const answer = await client.say(chat, chair, 'öppna mötet');
    expect(answer.status).toBe(200);
    await held;
    // Answered with the card still held: nothing has reached the chat, the text waits behind the card.
    expect(connector.sent(chat.id)).toHaveLength(0);
    release();
    const text = await sentSaying(connector, chat.id, 'Mötet är öppnat.');
    const sends = connector.sent(chat.id);
    expect(sends).toHaveLength(2);
    expect(cardOf(sends[0]!.body)).toBeDefined();
    expect(sends[1]).toBe(text);
    liveId = sends[0]!.activityId!;
    // The next move updates the card that was posted late, in place.
    expect((await client.say(chat, chair, 'nästa')).status).toBe(200);
    expect(said(await updateOf(connector, liveId, 'Budget 2027'))).toContain('Budget 2027');
  });

  it('answers "nästa" while its reply is held, and the reply goes out once', async () => {
    holding();
    const held = connector.holdUntil(toChat('Nu: punkt'), released);
    expect((await client.say(chat, chair, 'nästa')).status).toBe(200);
    expect(said(await held)).toContain('Remiss om vårdval');
    expect(connector.sent(chat.id)).toHaveLength(0);
    release();
    await sentSaying(connector, chat.id, 'Nu: punkt');
    expect(connector.sent(chat.id).filter(toChat('Nu: punkt'))).toHaveLength(1);
  });

  it('sends a reply Teams refused after the turn had answered through the outbox, once', async () => {
    holding();
    const held = connector.holdUntil(toChat('Nu: punkt'), released);
    // The held request and the one quick retry a reply gets are both refused.
    connector.refuse(503, toChat('Nu: punkt'), 2);
    expect((await client.say(chat, chair, 'föregående')).status).toBe(200);
    await held;
    release();
    const sent = await sentSaying(connector, chat.id, 'Nu: punkt', 20_000);
    expect(said(sent)).toContain('Budget 2027');
    expect(connector.refused.filter(toChat('Nu: punkt'))).toHaveLength(2);
    expect(connector.sent(chat.id).filter(toChat('Nu: punkt'))).toHaveLength(1);
    connector.clearRefusals();
  });

  it('sets a council up while Teams is slow to give the roster: answered at once, the members follow onto the card', async () => {
    const other: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
    connector.setRoster(other.id, [chair, bjorn, user(3, 'Cecilia Ceder')]);
    connector.reset();
    connector.latencyMs = 1_500;
    try {
      const welcome = randomUUID();
      const answer = await client.execute(other, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'sv', timeZone: 'Europe/Stockholm' }, { replyToId: welcome });
      expect(answer.status).toBe(200);
      expect(cardText(answer.card)).toContain('Rådets medlemmar hämtas från konversationen');
      const filled = await updateOf(connector, welcome, 'rådets 3 medlemmar', 20_000);
      expect(said(filled)).toContain('Cecilia Ceder');
      // Asked again while Teams is slow: a word now, the count once fetched.
      expect((await client.say(other, chair, 'hämta medlemmar')).status).toBe(200);
      await sentSaying(connector, other.id, 'Medlemmarna hämtas från konversationen', 20_000);
      await sentSaying(connector, other.id, '0 nya medlemmar hämtades', 20_000);
    } finally {
      connector.latencyMs = 0;
    }
  });

  it('sends a reply not yet begun when the bot stops after the restart, through the outbox', async () => {
    holding();
    // Never answered: the bot stops while the first reply is with Teams.
    const held = connector.hold(toChat('Jag förstod inte'));
    expect((await client.say(chat, chair, 'nytt möte någon gång i vår')).status).toBe(200);
    await held;
    expect(await bot.stop()).toBe(0);
    expect(connector.sent(chat.id)).toHaveLength(0);
    bot = await new BotProcess({ dataDir: bot.dataDir, env: { REPLY_WAIT_MS: '200' } }).start();
    const form = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardOf(c.body) !== undefined, 20_000);
    expect(findAction(cardOf(form.body), 'meeting.create')).toBeDefined();
    expect(connector.sent(chat.id)).toHaveLength(1);
  });
});
