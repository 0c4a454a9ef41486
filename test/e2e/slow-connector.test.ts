import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { said, sentSaying, updateOf } from '../support/delivered.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

const currentTitle = (card: any) => {
  const row = walkCard(card).find((n) => n.type === 'ColumnSet' && n.style === 'accent');
  return row ? cardText(row.columns[2]).split('\n').find((x) => !x.startsWith('▶')) : undefined;
};

/**
 * The live card's moves, notes and action items while the connector holds what the bot posts to
 * the conversation: the chair's answer (the invoke response, a message's HTTP 200) comes first,
 * and what was held goes out once the connector takes it.
 */
describe('running a meeting while the connector is slow to take messages', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let meetingId = '';
  let liveId = '';
  let release = () => {};
  let released = Promise.resolve();

  /** Holds the next call that matches until the test releases what it holds. */
  function holdOne(matches: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    return connector.holdUntil(matches, released);
  }
  const liveCard = async () => (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
  const liveUpdate = (c: ConnectorCall) => c.kind === 'update' && c.activityId === liveId;

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(chair, bjorn);
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
  });
  afterAll(async () => {
    release();
    await bot?.stop();
    await connector.stop();
  });
  const holding = () => {
    released = new Promise<void>((r) => (release = r));
    connector.reset();
  };

  it('answers "next item" from the card while the live card’s update is held, and updates it once released', async () => {
    const next = walkCard(await liveCard()).find((n) => n.verb === 'meeting.goTo' && n.data.target === 'next');
    holding();
    const held = holdOne(liveUpdate);
    const moved = await client.execute(chat, chair, next);
    expect(currentTitle(moved.card)).toBe('Budget 2027');
    expect(currentTitle(cardOf((await held).body))).toBe('Budget 2027');
    expect(connector.updates(chat.id)).toHaveLength(0);
    release();
    expect(currentTitle(cardOf((await updateOf(connector, liveId)).body))).toBe('Budget 2027');
    expect(connector.updates(chat.id)).toHaveLength(1);
  });

  it('answers a note from the card while the live card’s update is held', async () => {
    const text = 'Rådet diskuterade budgetramen.';
    const form = findAction(await liveCard(), 'note.add');
    holding();
    const held = holdOne(liveUpdate);
    const answer = await client.execute(chat, chair, form, { nText: text });
    expect(cardText(answer.card)).toContain('Anteckningen är sparad på punkt 1.');
    expect(said(await held)).toContain(text);
    release();
    expect(said(await updateOf(connector, liveId, text))).toContain('Budget 2027');
  });

  it('answers an action item from the card while its card, the live card’s update and the owner’s personal card are held; each goes out once', async () => {
    const text = 'Tar fram ett förslag till nämnden';
    const form = findAction(await liveCard(), 'action.create');
    holding();
    const cardHeld = holdOne((c) => c.kind === 'send' && c.conversationId === chat.id && said(c).includes(text));
    const liveHeld = holdOne(liveUpdate);
    const personalHeld = holdOne((c) => c.kind === 'send' && c.conversationId !== chat.id && said(c).includes(text));
    const answer = await client.execute(chat, chair, form, { aOwner: bjorn.id, aText: text, aDue: '2030-03-01' });
    expect(cardText(answer.card)).toContain('Åtgärden är registrerad.');
    await Promise.all([cardHeld, liveHeld, personalHeld]);
    expect(connector.sent()).toHaveLength(0);
    release();
    expect(said(await sentSaying(connector, chat.id, text))).toContain('Björn Berg · senast 1 mars 2030');
    await updateOf(connector, liveId, text);
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id && said(c).includes(text));
    expect(connector.sent().filter((c) => said(c).includes(text))).toHaveLength(2);
  });

  it('answers "Åtgärd: …" typed in the chat while its card is held, and posts the card once released', async () => {
    holding();
    const held = holdOne((c) => c.kind === 'send' && c.conversationId === chat.id);
    expect((await client.say(chat, chair, 'Åtgärd: Åsa ringer regionen senast 2030-04-01')).status).toBe(200);
    expect(said(await held)).toContain('Åtgärden är registrerad.');
    expect(connector.sent(chat.id)).toHaveLength(0);
    release();
    const card = await sentSaying(connector, chat.id, 'Ringer regionen');
    expect(said(card)).toContain('Åtgärden är registrerad.');
    expect(connector.sent(chat.id)).toHaveLength(1);
  });

  it('answers a decision undone from its card while the replacement of the card everybody sees is held', async () => {
    const text = 'Rådet godkänner budgetramen.';
    const recorded = await client.execute(chat, chair, findAction(await liveCard(), 'decision.record'), { dText: text, dOutcome: 'decided' });
    expect(cardText(recorded.card)).toContain('Beslutet är registrerat på punkt 1 – Budget 2027.');
    const posted = await sentSaying(connector, chat.id, text);
    await updateOf(connector, liveId, text);
    const own = (await client.execute(chat, chair, findAction(cardOf(posted.body), 'decision.show'), {}, { replyToId: posted.activityId })).card;
    holding();
    const held = holdOne((c) => c.kind === 'update' && c.activityId === posted.activityId);
    const undone = await client.execute(chat, chair, findAction(own, 'decision.undo'), {}, { replyToId: posted.activityId });
    expect(cardText(undone.card)).toContain('Beslutet på punkt 1 är borttaget.');
    expect(said(await held)).toContain('Beslutet på punkt 1 är borttaget.');
    expect(connector.updates(chat.id)).toHaveLength(0);
    release();
    expect(said(await updateOf(connector, posted.activityId!, 'borttaget'))).toContain(text);
  });

  it('answers a reservation and a protocol note typed in the chat while the decision’s card with what they did is held', async () => {
    const text = 'Rådet godkänner remissvaret.';
    // A reservation and a protocol note are for those present.
    connector.reset();
    await client.say(chat, chair, 'närvaro');
    const save = findAction(cardOf(connector.sent(chat.id)[0]!.body), 'attendance.save');
    await client.execute(chat, chair, save, Object.fromEntries(save.data.userIds.map((_: string, i: number) => [`s${i}`, 'present'])));
    await client.execute(chat, chair, findAction(await liveCard(), 'decision.record'), { dText: text, dOutcome: 'decided' });
    await sentSaying(connector, chat.id, text);
    await updateOf(connector, liveId, text);
    for (const [typed, answer] of [
      ['Reservation: Underlaget räcker inte.', 'Reservationen är registrerad'],
      ['Protokollsanteckning: Jag vill se kostnaderna.', 'Protokollsanteckningen är sparad'],
    ] as const) {
      holding();
      const held = holdOne((c) => c.kind === 'send' && c.conversationId === chat.id);
      expect((await client.say(chat, chair, typed)).status).toBe(200);
      expect(said(await held)).toContain(answer);
      expect(connector.sent(chat.id)).toHaveLength(0);
      release();
      expect(said(await sentSaying(connector, chat.id, answer))).toContain(text);
      expect(connector.sent(chat.id)).toHaveLength(1);
    }
  });
});
