import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

describe('a decision whose card was cut off by a crash', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let meetingId = '';
  let liveId = '';

  /** The decision's own card in the chat (not the agenda card, which lists decisions too). */
  const decisionCards = (text: string) =>
    connector.sent(chat.id).filter((c) => {
      const card = cardOf(c.body);
      return card && cardText(card).includes(text) && !cardText(card).includes('Dagordning');
    });

  /** Runs `request` until the bot is holding the send that matches, then kills the bot mid-turn and starts it again. */
  async function crashDuring(request: () => Promise<unknown>, held: (text: string) => boolean): Promise<void> {
    const holding = connector.hold((c) => c.kind === 'send' && c.conversationId === chat.id && held(cardText(cardOf(c.body))));
    const cut = request().then(
      () => 'answered',
      () => 'cut off',
    );
    await holding;
    await bot.stop('SIGKILL');
    expect(await cut).toBe('cut off');
    await bot.start();
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
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
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('from the decision form: the retried click posts the card, once', async () => {
    const text = 'Rådet godkänner budgetramen för 2027.';
    const form = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    const action = findAction(form, 'decision.record');
    const click = () => client.execute(chat, chair, action, { dText: text, dOutcome: 'decided' });
    connector.reset();
    // Killed after the decision was saved, while its card was on its way to Teams.
    await crashDuring(click, (said) => said.includes(text) && !said.includes('Dagordning'));
    expect(decisionCards(text)).toHaveLength(0);

    // Teams (or the chair) sends the same click again.
    const retried = await click();
    expect(retried.status).toBe(200);
    expect(cardText(retried.card)).toContain('Beslutet var redan registrerat.');
    expect(decisionCards(text)).toHaveLength(1);
    expect(cardText(cardOf(decisionCards(text)[0]!.body))).toContain('Budget 2027');

    // A third time: the card is there now, nothing more is posted.
    expect(cardText((await click()).card)).toContain('Beslutet var redan registrerat.');
    expect(decisionCards(text)).toHaveLength(1);
  });

  it('from "Beslut:" in the chat: the redelivered message posts the card as the first would have, and updates the agenda card', async () => {
    const text = 'Rådet tillstyrker remissen om vårdval.';
    await client.say(chat, chair, 'nästa');
    const message = { ...client.base(chat, chair), type: 'message', text: `Beslut: ${text}` };
    connector.reset();
    await crashDuring(() => client.post(message), (said) => said.includes(text) && !said.includes('Dagordning'));
    expect(decisionCards(text)).toHaveLength(0);

    // Teams redelivers the message with the same id.
    expect((await client.post(message)).status).toBe(200);
    const cards = decisionCards(text);
    expect(cards).toHaveLength(1);
    expect(cardText(cardOf(cards[0]!.body))).not.toContain('Beslutet var redan registrerat.');
    const agenda = connector.updates(chat.id).filter((u) => u.activityId === liveId);
    expect(agenda.map((u) => cardText(cardOf(u.body)).includes(text))).toEqual([true]);

    // Redelivered once more after the card went out: said to be recorded already, as before.
    connector.reset();
    expect((await client.post(message)).status).toBe(200);
    expect(cardText(cardOf(decisionCards(text)[0]!.body))).toContain('Beslutet var redan registrerat.');
    expect(connector.updates(chat.id)).toHaveLength(0);
  });
});
