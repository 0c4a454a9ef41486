import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { said, sentSaying, updateOf } from '../support/delivered.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

/**
 * Teams waits about ten seconds for the answer to an invoke, and a message's HTTP answer is what
 * tells Teams it arrived. What the bot posts to the conversation besides (the decision's card,
 * the live card's update) must not hold either: here the connector holds it, and the answer has
 * to come first; the card is posted once when the connector takes it, and after a crash too.
 */
describe('a decision while the connector is slow to take the conversation’s messages', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  let clock = { at: Date.now(), writtenAt: Date.now() };
  const setClock = (at: number) => {
    clock = { at, writtenAt: Date.now() };
    writeFileSync(clockFile, new Date(at).toISOString());
  };
  let meetingId = '';
  let liveId = '';

  /** The decision's own card in the chat (not the agenda card, which lists decisions too). */
  const decisionCards = (text: string) =>
    connector.sent(chat.id).filter((c) => {
      const card = cardOf(c.body);
      return card && cardText(card).includes(text) && !cardText(card).includes('Dagordning');
    });
  const isDecisionCard = (text: string) => (c: ConnectorCall) =>
    c.kind === 'send' && c.conversationId === chat.id && said(c).includes(text) && !said(c).includes('Dagordning');

  async function decisionForm() {
    return findAction((await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card, 'decision.record');
  }

  /** Kills the bot (as a crash would) and starts it again a minute later by its clock, when the killed one's leases have run out. */
  async function crashAndRestart(): Promise<void> {
    await bot.stop('SIGKILL');
    setClock(clock.at + (Date.now() - clock.writtenAt) + 61_000);
    await bot.start();
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    setClock(Date.now());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, `nytt möte ${soonMeeting(120)}`);
    connector.reset();
    await client.say(chat, chair, 'dagordning:\n- Budget 2027\n- Remiss om vårdval\n- Övriga frågor');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
    connector.reset();
    await client.say(chat, chair, 'öppna mötet');
    const live = connector.sent(chat.id).find((c) => cardOf(c.body))!;
    liveId = live.activityId!;
    meetingId = findAction(cardOf(live.body), 'agenda.show').data.meetingId;
    await client.say(chat, chair, 'nästa');
    await updateOf(connector, liveId);
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('from the decision form: answered while the connector holds the decision’s card and the live card’s update; each goes out once when it answers', async () => {
    const text = 'Rådet godkänner budgetramen för 2027.';
    const action = await decisionForm();
    const click = () => client.execute(chat, chair, action, { dText: text, dOutcome: 'decided' });
    connector.reset();
    let release = () => {};
    const released = new Promise<void>((r) => (release = r));
    const cardHeld = connector.holdUntil(isDecisionCard(text), released);
    const liveHeld = connector.holdUntil((c) => c.kind === 'update' && c.activityId === liveId, released);

    // Nothing the connector holds is answered before the click is: a bot that waited for it would never answer.
    const answer = await click();
    expect(answer.status).toBe(200);
    expect(cardText(answer.card)).toContain('Beslutet är registrerat på punkt 1 – Budget 2027.');
    // The bot did try to post both, and neither has gone through yet.
    expect(said(await cardHeld)).toContain('Budget 2027');
    expect(said(await liveHeld)).toContain(text);
    expect(decisionCards(text)).toHaveLength(0);
    expect(connector.updates(chat.id)).toHaveLength(0);

    release();
    expect(said(await sentSaying(connector, chat.id, text))).toContain('Beslut registrerat på punkt 1 – Budget 2027');
    expect(said(await updateOf(connector, liveId, text))).toContain('Budget 2027');

    // The same click again (Teams retries an invoke it got no answer to in time): said to be there, nothing posted twice.
    const retried = await click();
    expect(cardText(retried.card)).toContain('Beslutet var redan registrerat.');
    expect(decisionCards(text)).toHaveLength(1);
  });

  it('from the decision form: the card the connector never took before a crash is posted once after the restart', async () => {
    await client.say(chat, chair, 'nästa');
    const text = 'Rådet tillstyrker remissen om vårdval.';
    const action = await decisionForm();
    const click = () => client.execute(chat, chair, action, { dText: text, dOutcome: 'decided' });
    connector.reset();
    const held = connector.hold(isDecisionCard(text));
    const answer = await click();
    expect(cardText(answer.card)).toContain('Beslutet är registrerat på punkt 2 – Remiss om vårdval.');
    await held;
    await crashAndRestart();
    expect(said(await sentSaying(connector, chat.id, text))).toContain('Remiss om vårdval');
    expect(decisionCards(text)).toHaveLength(1);

    expect(cardText((await click()).card)).toContain('Beslutet var redan registrerat.');
    expect(decisionCards(text)).toHaveLength(1);
  });

  it('from "Beslut:" in the chat: the message is answered while its card is held, the card goes out once after a crash, and a redelivered message says it was recorded', async () => {
    await client.say(chat, chair, 'nästa');
    const text = 'Rådet noterar informationen om övriga frågor.';
    const message = { ...client.base(chat, chair), type: 'message', text: `Beslut: ${text}` };
    connector.reset();
    const held = connector.hold(isDecisionCard(text));
    expect((await client.post(message)).status).toBe(200);
    await held;
    expect(said(await updateOf(connector, liveId, text))).toContain('Övriga frågor');
    await crashAndRestart();

    const card = await sentSaying(connector, chat.id, text);
    expect(said(card)).toContain('Beslut registrerat på punkt 3 – Övriga frågor');
    expect(said(card)).not.toContain('Beslutet var redan registrerat.');
    expect(decisionCards(text)).toHaveLength(1);

    // Teams redelivers the message with the same id: nothing is recorded twice, and the chat is told so, as before.
    connector.reset();
    expect((await client.post(message)).status).toBe(200);
    expect(said(await sentSaying(connector, chat.id, 'Beslutet var redan registrerat.'))).toContain(text);
    expect(connector.updates(chat.id)).toHaveLength(0);
  });
});
