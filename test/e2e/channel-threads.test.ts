import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { soonMeeting } from '../support/soon.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, inThread, sentText, teamOf, threadId, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');

const backends = [
  { name: 'SQLite', env: async () => ({}) },
  { name: 'PostgreSQL', env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `e2e_${randomUUID().slice(0, 8)}`) }) },
];

/** A Teams message id: the milliseconds of the root post, as Teams writes them after ;messageid=. */
let posts = 1_765_000_000_000;
const newPost = () => String(posts++);

describe.each(backends)('a channel council used from its threads over HTTP on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const channel: Conversation = { id: `19:${randomUUID().replaceAll('-', '')}@thread.tacv2`, type: 'channel' };
  const otherChannel: Conversation = { id: `19:${randomUUID().replaceAll('-', '')}@thread.tacv2`, type: 'channel' };
  let welcomeId = '';

  /** A new post in the channel mentioning the bot: a thread of its own, answered in that thread. */
  async function post(thread: Conversation, who: User, text: string): Promise<string> {
    expect((await client.say(thread, who, text, { mention: true })).status).toBe(200);
    return sentText(connector, threadId(thread));
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(teamOf(channel), [chair, bjorn, cecilia]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', ...(await env()) } }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('is set up from the welcome card, in the thread the card started', async () => {
    connector.reset();
    // Installed in the channel: the install event names the channel itself, and the welcome card is a new post.
    await client.botAdded(channel, chair);
    const [welcome] = connector.sent(channel.id);
    expect(cardText(cardOf(welcome!.body))).toContain('Hej! Jag är Rådsassistenten');
    welcomeId = welcome!.activityId!;
    const res = await client.execute(
      inThread(channel, welcomeId),
      chair,
      { verb: 'council.setup', data: { v: 1 } },
      { name: 'Läkemedelsrådet', locale: 'sv', timeZone: 'Europe/Stockholm' },
      { replyToId: welcomeId },
    );
    expect(cardText(res.card)).toContain('Klart! Åsa Ordförande är ordförande och rådets 3 medlemmar hämtades');
    // The welcome card, in its thread, becomes the council card.
    const thread = threadId(inThread(channel, welcomeId));
    const replaced = await connector.waitFor((c) => c.kind === 'update' && c.conversationId === thread, 10_000);
    expect(replaced.activityId).toBe(welcomeId);
  });

  it('is the same council in every thread of the channel, and answers in the thread asked from', async () => {
    connector.reset();
    const first = inThread(channel, newPost());
    const scheduled = await post(first, chair, `nytt möte ${soonMeeting()}`);
    expect(scheduled).toContain('Mötet är planerat.');
    expect(scheduled).toContain('Läkemedelsrådet');

    const second = inThread(channel, newPost());
    const agenda = await post(second, bjorn, 'dagordning');
    expect(agenda).not.toContain('inte uppsatt som råd');
    expect(agenda).toContain('Dagordning');
    expect(agenda).toContain('Läkemedelsrådet');

    const third = inThread(channel, newPost());
    const shown = await client.execute(third, cecilia, { verb: 'council.show' });
    expect(cardText(shown.card)).toContain('Rådet Läkemedelsrådet');
    expect(cardText(shown.card)).toContain('Åsa Ordförande');

    const fourth = inThread(channel, newPost());
    const again = await post(fourth, chair, 'konfigurera');
    expect(again).toContain('Den här konversationen är redan rådet "Läkemedelsrådet"');

    // Back in the welcome card's thread, the same council, with the meeting planned elsewhere.
    const meetings = await post(inThread(channel, welcomeId), bjorn, 'möten');
    expect(meetings).toContain('Kommande möten');
    expect(meetings).not.toContain('Inga möten är planerade ännu');

    // Each answer went to its own thread, none to the channel as a new post.
    for (const thread of [first, second, fourth]) expect(connector.sent(threadId(thread)).length).toBeGreaterThan(0);
    expect(connector.sent(channel.id)).toEqual([]);
  });

  it('posts the results of a poll closed in a thread to the channel as a new post', async () => {
    connector.reset();
    const thread = inThread(channel, newPost());
    await post(thread, chair, 'omröstning: Ska rådet ses oftare? | Ja | Nej');
    const pollCard = cardOf(connector.sent(threadId(thread)).find((c) => cardOf(c.body))!.body);
    for (const who of [chair, bjorn]) await client.execute(inThread(channel, newPost()), who, findAction(pollCard, 'poll.vote'), { choices: 'o1' });
    const own = (await client.execute(thread, chair, findAction(pollCard, 'poll.show'))).card;
    await client.execute(thread, chair, findAction(own, 'poll.close'));
    const results = await connector.waitFor((c) => c.kind === 'send' && cardText(cardOf(c.body)).includes('Resultat av omröstningen'), 10_000);
    expect(results.conversationId).toBe(channel.id);
    expect(cardText(cardOf(results.body))).toContain('2 av 3 röstade');
  });

  it('treats a suffix it does not know as the conversation before it', async () => {
    connector.reset();
    const odd: Record<string, any> = { ...client.base(channel, bjorn), type: 'message', text: 'möten' };
    odd.conversation.id = `${channel.id};skypeid=0001`;
    expect((await client.post(odd)).status).toBe(200);
    const answer = sentText(connector, odd.conversation.id);
    expect(answer).toContain('Kommande möten');
    expect(answer).not.toContain('inte uppsatt som råd');
  });

  it('refuses a thread of another channel with a clear answer, and changes nothing', async () => {
    connector.reset();
    // The thread names the other channel while channelData says this one.
    const forged: Record<string, any> = { ...client.base(channel, chair), type: 'message', text: 'konfigurera' };
    forged.conversation.id = `${otherChannel.id};messageid=${newPost()}`;
    expect((await client.post(forged)).status).toBe(200);
    expect(sentText(connector, forged.conversation.id)).toContain('kom från en tråd som inte hör till den här kanalen');

    const setup: Record<string, any> = { ...client.base(channel, chair), type: 'invoke', name: 'adaptiveCard/action', replyToId: randomUUID() };
    setup.conversation.id = `${otherChannel.id};messageid=${newPost()}`;
    setup.value = { action: { type: 'Action.Execute', verb: 'council.setup', data: { name: 'Kapat råd', locale: 'sv', timeZone: 'UTC' } }, trigger: 'manual' };
    const res = await client.post(setup);
    expect(res.status).toBe(200);
    expect(cardText(res.body.value)).toContain('kom från en tråd som inte hör till den här kanalen');

    // Neither channel changed: the other has no council, this one is still Läkemedelsrådet.
    expect(await post(inThread(otherChannel, newPost()), chair, 'möten')).toContain('inte uppsatt som råd');
    expect(cardText((await client.execute(inThread(channel, newPost()), chair, { verb: 'council.show' })).card)).toContain('Rådet Läkemedelsrådet');
  });
});
