import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const david = user(4, 'David Dal');

const backends = [
  { name: 'SQLite', env: async () => ({}) },
  {
    name: 'PostgreSQL',
    env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `e2e_${randomUUID().slice(0, 8)}`) }),
  },
];

describe.each(backends)('a council whose conversation goes away, over HTTP on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Vårdvalsråd' };
  const channel: Conversation = { id: `19:${randomUUID()}@thread.tacv2`, type: 'channel', name: 'Styrelsen' };
  const general = `19:${randomUUID()}@thread.tacv2`;
  const polls = new Map<string, string>();

  const lines = (text: string) =>
    bot.output
      .split('\n')
      .filter((l) => l.includes(text))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  async function startPoll(where: Conversation, question: string): Promise<string> {
    await client.say(where, chair, `omröstning: ${question} | Ja | Nej`);
    const card = connector
      .sent(where.id)
      .map((c) => cardOf(c.body))
      .find((c) => c && cardText(c).includes(question));
    return findAction(card, 'poll.vote').data.pollId as string;
  }

  async function councilCard(where: Conversation, who = chair) {
    const res = await client.execute(where, who, { verb: 'council.show', data: { v: 1 } });
    expect(res.status).toBe(200);
    return res.card;
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia, david]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '50', ...(await env()) } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.execute(channel, chair, { verb: 'council.setup' }, { name: 'Styrelsen', locale: 'sv', timeZone: 'Europe/Stockholm' });
    polls.set(chat.id, await startPoll(chat, 'Fika på nästa möte?'));
    polls.set(channel.id, await startPoll(channel, 'Nytt mötesrum?'));
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  /** A vote queues an outbox job that updates the poll's card in its conversation. */
  async function vote(where: Conversation, who: typeof chair, choice: string) {
    const res = await client.execute(where, who, { verb: 'poll.vote', data: { pollId: polls.get(where.id) } }, { choices: choice });
    expect(res.status).toBe(200);
  }

  it('drops a job Teams answers 403 BotNotInConversationRoster at once, with one log line, and sends nothing more there', async () => {
    // The app was removed without the bot being told (the event was lost): the send itself says so.
    connector.uninstall(chat.id);
    await vote(chat, bjorn, 'o1');
    await vi.waitFor(() => expect(lines('outbox job dropped')).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(lines('outbox job dropped')[0]).toMatchObject({ kind: 'pollCard', conversation: chat.id, reason: 'BotNotInConversationRoster' });
    expect(connector.refused.map((c) => c.status)).toEqual([403]);
    expect(lines('outbox job parked')).toHaveLength(0);
    expect(lines('will retry')).toHaveLength(0);

    // The council is now known to be unreachable: the next job is dropped without a request.
    await vote(chat, cecilia, 'o2');
    await vi.waitFor(() => expect(lines('outbox job dropped')).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(lines('outbox job dropped')[1]).toMatchObject({ kind: 'pollCard', reason: 'unreachable' });
    expect(connector.refused).toHaveLength(1);
  });

  it('is reachable again once a message comes from the conversation (the app added back to the team), with all its data', async () => {
    connector.reinstall(chat.id);
    connector.reset();
    await client.say(chat, bjorn, 'rådet');
    expect(lines('council reachable again')).toHaveLength(1);
    await vote(chat, david, 'o1');
    const update = await connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id, 10_000);
    expect(cardText(cardOf(update.body))).toContain('Fika på nästa möte?');
    const card = cardText(await councilCard(chat));
    expect(card).toContain('Rådet Vårdvalsråd');
    expect(card).toMatch(/Åsa Ordförande\s+Ordförande/);
    expect(card).toMatch(/David Dal\s+Ledamot/);
  });

  it('is marked not reachable on installationUpdate remove: its jobs are dropped unsent, its data kept for add and add-upgrade', async () => {
    connector.reset();
    const refusedBefore = connector.refused.length;
    expect((await client.installationUpdate(chat, chair, 'remove')).status).toBe(200);
    expect(lines('council not reachable')).toHaveLength(1);
    expect(lines('council not reachable')[0]).toMatchObject({ why: 'installationUpdate remove' });
    const dropped = lines('outbox job dropped').length;
    await vote(chat, bjorn, 'o2');
    await vi.waitFor(() => expect(lines('outbox job dropped')).toHaveLength(dropped + 1), { timeout: 10_000, interval: 50 });
    expect(connector.requests.filter((r) => r.conversationId === chat.id)).toHaveLength(0);
    expect(connector.refused).toHaveLength(refusedBefore);

    expect((await client.installationUpdate(chat, chair, 'add')).status).toBe(200);
    expect(lines('council reachable again')).toHaveLength(2);
    expect(cardText(await councilCard(chat))).toMatch(/Björn Berg\s+Ledamot/);
    // An upgrade removes and adds the app again.
    expect((await client.installationUpdate(chat, chair, 'remove-upgrade')).status).toBe(200);
    expect((await client.installationUpdate(chat, chair, 'add-upgrade')).status).toBe(200);
    expect(lines('council reachable again')).toHaveLength(3);
    connector.reset();
    await vote(chat, bjorn, 'o1');
    await connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id, 10_000);
  });

  it('does not let an edited or deleted Beslut: message change the record silently', async () => {
    const messageId = randomUUID();
    connector.reset();
    expect((await client.editMessage(chat, chair, messageId, 'Beslut: Vi köper tårta i stället')).status).toBe(200);
    const sent = connector.sent(chat.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain('Meddelandet med beslutet redigerades. Det som protokollfördes är oförändrat');
    // In a channel the message @mentions the bot; the edit still does.
    expect((await client.editMessage(chat, chair, messageId, 'Beslut: Vi köper bullar', { mention: true })).status).toBe(200);
    expect(connector.sent(chat.id)).toHaveLength(2);
    // Any other edit, and a deletion, pass without a word or an error.
    expect((await client.editMessage(chat, bjorn, randomUUID(), 'hej alla')).status).toBe(200);
    expect((await client.deleteMessage(chat, chair, messageId)).status).toBe(200);
    expect(connector.sent(chat.id)).toHaveLength(2);
    expect(lines('"level":50')).toHaveLength(0);
  });

  it('does not show a 412 on updating the card as an error once the change is saved', async () => {
    const card = await councilCard(chat);
    // Teams refuses the shared card's update: the message was being changed at once.
    connector.refuse(412, (c) => c.kind === 'update' && c.conversationId === chat.id, Number.POSITIVE_INFINITY, 'PreconditionFailed');
    const res = await client.execute(chat, chair, findAction(card, 'council.setRole'), { userId: cecilia.id, role: 'secretary' }, { replyToId: randomUUID() });
    connector.clearRefusals();
    expect(res.status).toBe(200);
    expect(cardText(res.card)).not.toContain('Något gick fel');
    expect(cardText(res.card)).toContain('Ändringen är sparad');
    expect(cardText(res.card)).toMatch(/Cecilia Ek\s+Sekreterare/);
    expect(cardText(await councilCard(chat))).toMatch(/Cecilia Ek\s+Sekreterare/);
  });

  it('keeps a member who left on the record but not among the members; back again, they have their role', async () => {
    // A decision at a meeting Cecilia attended, with her reservation.
    await client.say(chat, chair, `nytt möte ${soonMeeting(120)}`);
    await client.say(chat, chair, 'öppna mötet');
    connector.reset();
    await client.say(chat, chair, 'närvaro');
    const attendance = connector
      .sent(chat.id)
      .map((c) => cardOf(c.body))
      .find((c) => c && walkCard(c).some((n) => n.verb === 'attendance.save'));
    const save = findAction(attendance, 'attendance.save');
    await client.execute(chat, chair, save, Object.fromEntries(save.data.userIds.map((_: string, i: number) => [`s${i}`, 'present'])));
    connector.reset();
    await client.say(chat, chair, 'Beslut: Rådet godkänner budgeten.');
    // The decision's card follows the answer through the outbox.
    const posted = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === chat.id && walkCard(cardOf(c.body) ?? {}).some((n) => n.verb === 'decision.reserve'),
      10_000,
    );
    const decision = cardOf(posted.body);
    const reserved = await client.execute(chat, david, findAction(decision, 'decision.reserve'), { rText: 'Budgeten är för snål.' });
    expect(cardText(reserved.card)).toContain('David Dal reserverade sig: Budgeten är för snål.');

    connector.reset();
    expect((await client.membersRemoved(chat, chair, [cecilia, david])).status).toBe(200);
    expect(cardText(await councilCard(chat))).not.toContain('Cecilia Ek');
    expect(cardText(await councilCard(chat))).not.toContain('David Dal');
    // The decision still names who made the reservation.
    const shown = await client.execute(chat, chair, findAction(decision, 'decision.show'));
    expect(cardText(shown.card)).toContain('David Dal reserverade sig: Budgeten är för snål.');
    // Nothing is said in the chat for an ordinary member leaving.
    expect(connector.sent(chat.id)).toHaveLength(0);
    await client.membersAdded(chat, chair, [cecilia, david]);
    expect(cardText(await councilCard(chat))).toMatch(/Cecilia Ek\s+Sekreterare/);
    expect(cardText(await councilCard(chat))).toMatch(/David Dal\s+Ledamot/);
  });

  it('never leaves the council without a chair: the secretary takes over when the last chair leaves, and the chat is told', async () => {
    connector.reset();
    expect((await client.membersRemoved(chat, chair, [chair])).status).toBe(200);
    const [told] = connector.sent(chat.id);
    expect(told!.body.text).toContain('Åsa Ordförande har lämnat konversationen och därmed rådet. Cecilia Ek är nu ordförande');
    const card = await councilCard(chat, cecilia);
    expect(cardText(card)).toMatch(/Cecilia Ek\s+Ordförande/);
    expect(cardText(card)).not.toContain('Åsa Ordförande');
    expect(walkCard(card).some((n) => n.type === 'Action.Execute' && n.verb === 'council.setRole')).toBe(true);
  });

  it('treats a deleted channel like an uninstall for its council, and keeps the council’s name when the channel is renamed', async () => {
    expect((await client.channelEvent(channel, chair, 'channelRenamed', general, 'Styrelsen 2027')).status).toBe(200);
    expect(cardText(await councilCard(channel))).toContain('Rådet Styrelsen');

    connector.reset();
    const dropped = lines('outbox job dropped').length;
    expect((await client.channelEvent(channel, chair, 'channelDeleted', general)).status).toBe(200);
    expect(lines('council not reachable').at(-1)).toMatchObject({ why: 'channelDeleted' });
    await vote(channel, chair, 'o1');
    await vi.waitFor(() => expect(lines('outbox job dropped')).toHaveLength(dropped + 1), { timeout: 10_000, interval: 50 });
    expect(connector.requests.filter((r) => r.conversationId === channel.id)).toHaveLength(0);
    // The other council is not touched.
    await vote(chat, david, 'o2');
    await connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id, 10_000);
  });
});
