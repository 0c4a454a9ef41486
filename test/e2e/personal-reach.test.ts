import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned, zonedToUtc } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { type ConnectorCall, FakeConnector } from '../support/fake-connector.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const david = user(4, 'David Dahl');
const text = cardText;
const zone = 'Europe/Stockholm';

/** What only one person's own card says: none of it may reach the council's chat. */
const PERSONAL = ['Påminnelse: du har inte röstat', 'Du har fått en åtgärd', 'Påminnelse från Vårdvalsråd', 'ska vara klar i morgon'];

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Nothing sent to the council's chat @mentions anyone or carries one person's card. */
function expectNothingPersonalIn(calls: ConnectorCall[]): void {
  for (const call of calls) {
    expect(call.body.entities ?? []).toEqual([]);
    expect(JSON.stringify({ text: call.body.text, attachments: call.body.attachments })).not.toContain('<at>');
    const said = call.body.text ?? text(cardOf(call.body));
    for (const phrase of PERSONAL) expect(said).not.toContain(phrase);
  }
}

/** What the chat's messages show, as text. */
function shown(calls: ConnectorCall[]): string {
  return calls.map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
}

function councilSetup(client: TeamsClient, chat: Conversation) {
  return async () => {
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: zone });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
  };
}

describe('a group-chat council whose members have not installed the app personally', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const clockFile = join(mkdtempSync(join(tmpdir(), 'council-clock-')), 'now');
  let clockNow = Date.now();
  const meetingDate = utcToZoned(new Date(clockNow + 20 * 86_400_000).toISOString(), zone).date;
  const chatCalls = () => connector.calls.filter((c) => (c.kind === 'send' || c.kind === 'update') && c.conversationId === chat.id);
  const ownCouncilCard = async (who: User) => text((await client.execute(chat, who, { verb: 'council.show' })).card);
  const refusedChats = (who: User) => connector.calls.filter((c) => c.kind === 'createConversation' && c.body.members[0].id === who.id).length;

  async function say(who: User, message: string) {
    expect((await client.say(chat, who, message)).status).toBe(200);
  }

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david]);
    writeFileSync(clockFile, new Date(clockNow).toISOString());
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', CLOCK_FILE: clockFile } }).start();
    await councilSetup(client, chat)();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('does not post an action item’s personal card in the chat; the chair’s own view counts the member it could not reach', async () => {
    await say(chair, 'Åtgärd: David tar fram siffrorna senast 2030-01-15');
    await connector.waitFor((c) => c.kind === 'createConversation' && c.body.members[0].id === david.id, 8_000);
    const counted = await eventually(async () => {
      const seen = await ownCouncilCard(chair);
      return seen.includes('kan inte nås') ? seen : undefined;
    });
    expect(counted).toContain('1 ledamot kan inte nås i en personlig chatt med Rådsassistenten');
    expect(counted).toContain('öppna appen en gång i Teams');
    expect(counted).not.toContain('David Dahl kan');
    // A member's view of the same card says nothing of it.
    expect(await ownCouncilCard(bjorn)).not.toContain('kan inte nås');
    expect(connector.sent().filter((c) => c.conversationId !== chat.id)).toEqual([]);
    expectNothingPersonalIn(chatCalls());
  });

  it('keeps poll reminders out of the chat: who has not voted is named nowhere, the chair’s view of the poll counts them', async () => {
    const started = chatCalls().length;
    await say(chair, 'omröstning: Ska rådet yttra sig om förfrågningsunderlaget? | Ja | Nej');
    const poll = cardOf(chatCalls().filter((c) => c.kind === 'send' && cardOf(c.body) && text(cardOf(c.body)).includes('yttra sig')).at(-1)!.body);
    await client.execute(chat, bjorn, findAction(poll, 'poll.vote'), { choices: 'o1' });
    const own = (await client.execute(chat, chair, findAction(poll, 'poll.show'))).card;
    const reminded = await client.execute(chat, chair, findAction(own, 'poll.remind'));
    expect(text(reminded.card)).toContain('Påminnelse skickas till 3 som inte röstat.');
    await eventually(async () => (refusedChats(chair) > 0 && refusedChats(cecilia) > 0 && refusedChats(david) > 1 ? true : undefined));
    const view = await eventually(async () => {
      const seen = text((await client.execute(chat, chair, findAction(poll, 'poll.show'))).card);
      return seen.includes('3 ledamöter kan inte nås') ? seen : undefined;
    });
    expect(view).not.toMatch(/Cecilia|David Dahl/);
    // Björn, who voted, sees no such count on his view of the poll.
    expect(text((await client.execute(chat, bjorn, findAction(poll, 'poll.show'))).card)).not.toContain('kan inte nås');
    expectNothingPersonalIn(chatCalls());
    // Since the poll began, the chat has not shown who has not voted.
    expect(shown(chatCalls().slice(started))).not.toMatch(/Åsa Ordförande|Cecilia Sekreterare|David Dahl/);
  });

  it('sends the meeting’s reminder to the chat as the agenda, and no member’s personal reminder there', async () => {
    await say(chair, `nytt möte ${meetingDate} 13:00-16:00 Regionens hus`);
    await say(chair, 'dagordning:\n- Förfrågningsunderlag 2027\n- Budget');
    const preview = cardOf(chatCalls().filter((c) => c.kind === 'send' && cardOf(c.body)).at(-1)!.body);
    await client.execute(chat, chair, findAction(preview, 'agenda.confirmImport'), {});
    const before = chatCalls().length;
    // Seven days before, 08.00 Stockholm time: the reminders fall due.
    const due = new Date(Date.parse(zonedToUtc(utcToZoned(new Date(Date.parse(`${meetingDate}T12:00:00Z`) - 7 * 86_400_000).toISOString(), zone).date, '08:00', zone)) + 5_000);
    clockNow = due.getTime();
    writeFileSync(clockFile, due.toISOString());
    await eventually(async () => (refusedChats(bjorn) > 0 ? true : undefined));
    await eventually(async () => (chatCalls().slice(before).some((c) => c.kind === 'send' && text(cardOf(c.body)).includes('Förfrågningsunderlag 2027')) ? true : undefined));
    await eventually(async () => ((await ownCouncilCard(chair)).includes('4 ledamöter kan inte nås') ? true : undefined));
    expectNothingPersonalIn(chatCalls());
  });

  it('reaches a member once they open the app, through a 502 and a 504 on the way, and counts them no more', async () => {
    const dm = await client.installPersonal(david);
    expect((await ownCouncilCard(chair))).toContain('3 ledamöter kan inte nås');
    connector.refuse(502, (c) => c.conversationId === dm.id, 1);
    connector.refuse(504, (c) => c.conversationId === dm.id, 1);
    await say(chair, 'Åtgärd: David skickar siffrorna till regionen senast 2030-02-01');
    const card = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === dm.id && text(cardOf(c.body)).includes('Skickar siffrorna'), 15_000);
    expect(text(cardOf(card.body))).toContain('Du har fått en åtgärd i Vårdvalsråd');
    expect(connector.refused.filter((c) => c.conversationId === dm.id).map((c) => c.status)).toEqual([502, 504]);
    expect(await ownCouncilCard(chair)).toContain('3 ledamöter kan inte nås');
    expectNothingPersonalIn(chatCalls());
  });

  it('counts a member again once they remove the app, and sends nothing to the chat instead', async () => {
    connector.uninstallFor(david);
    await say(chair, 'Åtgärd: David bokar nästa möte senast 2030-03-01');
    await eventually(async () => ((await ownCouncilCard(chair)).includes('4 ledamöter kan inte nås') ? true : undefined));
    expect(connector.sent(connector.personalChatId(david.id)).filter((c) => text(cardOf(c.body)).includes('Bokar nästa möte'))).toEqual([]);
    expectNothingPersonalIn(chatCalls());
  });
});

describe('where the admin lets the bot install the app for members (TEAMS_APP_CATALOG_ID)', () => {
  const connector = new FakeConnector();
  let graph: FakeGraph;
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const catalogId = randomUUID();
  const chatCalls = () => connector.calls.filter((c) => (c.kind === 'send' || c.kind === 'update') && c.conversationId === chat.id);
  const installs = () => graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/teamwork/installedApps'));

  beforeAll(async () => {
    await connector.start();
    graph = await startFakeGraph();
    graph.catalogApps.add(catalogId);
    // Teams lets the bot into the person's 1:1 chat once the app is installed for them.
    graph.onPersonalInstall = (aadObjectId) => connector.installFor(aadObjectId);
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david]);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100', ...graph.botEnv(), TEAMS_APP_CATALOG_ID: catalogId } }).start();
    await councilSetup(client, chat)();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
    await graph?.close();
  });

  it('installs the app for a member Teams would not open a chat with, and sends their card there', async () => {
    expect((await client.say(chat, chair, 'Åtgärd: Björn bokar lokal senast 2030-01-20')).status).toBe(200);
    const card = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === connector.personalChatId(bjorn.id), 10_000);
    expect(text(cardOf(card.body))).toContain('Bokar lokal');
    expect(installs().map((r) => r.path)).toEqual([expect.stringContaining(`/users/${bjorn.aadObjectId}/teamwork/installedApps`)]);
    expect([...(graph.personalApps.get(bjorn.aadObjectId) ?? [])]).toEqual([catalogId]);
    expect(text((await client.execute(chat, chair, { verb: 'council.show' })).card)).not.toContain('kan inte nås');
    expectNothingPersonalIn(chatCalls());
  });

  it('where Graph refuses the install (the grant missing), posts nothing in the chat and counts the member in the chair’s view', async () => {
    graph.installGrant = false;
    expect((await client.say(chat, chair, 'Åtgärd: David ringer kommunen senast 2030-01-25')).status).toBe(200);
    const seen = await eventually(async () => {
      const view = text((await client.execute(chat, chair, { verb: 'council.show' })).card);
      return view.includes('kan inte nås') ? view : undefined;
    });
    expect(seen).toContain('1 ledamot kan inte nås');
    expect(installs().length).toBe(2);
    expect(connector.sent().filter((c) => c.conversationId === connector.personalChatId(david.id))).toEqual([]);
    expectNothingPersonalIn(chatCalls());
  });
});
