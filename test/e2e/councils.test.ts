import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector, TEAMS_MESSAGE_LIMIT_BYTES, messageBytes } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { updateOf } from '../support/delivered.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const david = user(4, 'David Dal');
const outsider = user(9, 'Olle Utanför');

const backends = [
  { name: 'SQLite', env: async () => ({}) },
  {
    name: 'PostgreSQL',
    env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `e2e_${randomUUID().slice(0, 8)}`) }),
  },
];

describe.each(backends)('a council set up and run over HTTP on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Vårdvalsråd fysioterapi' };
  let welcomeId = '';

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia, david].map((u) => ({ ...u, email: `${u.name.split(' ')[0]}@region.se` })));
    bot = await new BotProcess({ env: await env() }).start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function councilAs(who: typeof chair) {
    const res = await client.execute(chat, who, { verb: 'council.show', data: { v: 1 } });
    expect(res.status).toBe(200);
    return res.card;
  }

  function version(card: any): number {
    return findAction(card, 'council.show') && Number(findAction(card, 'council.setRole').data.version);
  }

  it('posts a Swedish welcome card offering setup when added to a group chat', async () => {
    connector.reset();
    const res = await client.botAdded(chat, chair);
    expect(res.status).toBe(200);
    const [sent] = connector.sent(chat.id);
    const card = cardOf(sent!.body);
    expect(cardText(card)).toContain('Hej! Jag är Rådsassistenten');
    const name = walkCard(card).find((n) => n.id === 'name');
    expect(name.value).toBe('Vårdvalsråd fysioterapi');
    expect(walkCard(card).find((n) => n.id === 'timeZone').value).toBe('Europe/Stockholm');
    expect(findAction(card, 'council.setup')).toBeTruthy();
    welcomeId = sent!.activityId!;
  });

  it('answers in English where the conversation speaks English', async () => {
    const english: Conversation = { id: `19:${randomUUID()}`, type: 'channel', locale: 'en-US' };
    connector.reset();
    await client.botAdded(english, chair);
    expect(cardText(cardOf(connector.sent(english.id)[0]!.body))).toContain('Hello! I am Council Assistant');
  });

  it('lists what it can do before the council exists', async () => {
    connector.reset();
    await client.say(chat, bjorn, 'hjälp', { mention: true });
    const text = cardText(cardOf(connector.sent(chat.id)[0]!.body));
    expect(text).toContain('Det här kan Rådsassistenten');
    expect(text).toContain('konfigurera');
  });

  it('refuses a setup card with bad data, localized, and sets nothing up', async () => {
    const res = await client.execute(chat, chair, { verb: 'council.setup', data: { v: 1 } }, { name: '   ', locale: 'fi', timeZone: '' });
    expect(cardText(res.card)).toContain('Uppgifterna på kortet kunde inte användas');
    expect(cardText(res.card)).toContain('Rådets namn');
    const bad = await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Rådet', locale: 'sv', timeZone: 'Mars/Olympus' });
    expect(cardText(bad.card)).toContain('Okänd tidszon: Mars/Olympus');
    const show = await client.execute(chat, chair, { verb: 'council.show' });
    expect(cardText(show.card)).toContain('inte uppsatt som råd');
  });

  it('sets the conversation up: the one who clicks is chair, members come from the roster', async () => {
    connector.reset();
    const res = await client.execute(
      chat,
      chair,
      { verb: 'council.setup', data: { v: 1 } },
      { name: 'Vårdvalsråd fysioterapi', locale: 'sv', timeZone: 'Europe/Stockholm' },
      { replyToId: welcomeId },
    );
    expect(res.status).toBe(200);
    const text = cardText(res.card);
    expect(text).toContain('Rådet Vårdvalsråd fysioterapi');
    expect(text).toMatch(/Åsa Ordförande\s+Ordförande/);
    expect(text).toMatch(/Björn Berg\s+Ledamot/);
    expect(text).toContain('Klart! Åsa Ordförande är ordförande och rådets 4 medlemmar hämtades');
    // The welcome message itself becomes the council card for everyone, with refresh for the leaders.
    const update = await updateOf(connector, welcomeId!);
    const shared = cardOf(update!.body);
    expect(shared.refresh.userIds).toEqual([chair.id]);
    expect(connector.calls.some((c) => c.kind === 'members' && c.conversationId === chat.id)).toBe(true);
  });

  it('answers a retried setup with the council, not a second council', async () => {
    const res = await client.execute(chat, bjorn, { verb: 'council.setup' }, { name: 'Ett annat råd', locale: 'en', timeZone: 'UTC' });
    expect(cardText(res.card)).toContain('Den här konversationen är redan rådet "Vårdvalsråd fysioterapi"');
    expect(cardText(await councilAs(chair))).not.toContain('Ett annat råd');
  });

  it('tells each person their role in the help', async () => {
    connector.reset();
    await client.say(chat, chair, 'hjälp');
    expect(cardText(cardOf(connector.sent(chat.id)[0]!.body))).toContain('Din roll: Ordförande');
  });

  it('answers an unknown command addressed to it, and ignores chatter', async () => {
    connector.reset();
    await client.say(chat, bjorn, 'hej alla, ses på torsdag');
    await client.say(chat, bjorn, 'gör något konstigt', { mention: true });
    const sent = connector.sent(chat.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain('Jag förstod inte "gör något konstigt"');
    expect(sent[0]!.body.text).toContain('hjälp');
  });

  it('shows management actions only to the chair', async () => {
    const verbs = (card: any) => walkCard(card).filter((n) => n.type === 'Action.Execute').map((n) => n.verb);
    expect(verbs(await councilAs(chair))).toContain('council.setRole');
    expect(verbs(await councilAs(bjorn))).toEqual(['council.show']);
  });

  it('refuses a member who sends the chair’s action by hand, and changes nothing', async () => {
    const before = await councilAs(chair);
    const v = version(before);
    const res = await client.execute(chat, bjorn, { verb: 'council.setRole', data: { v: 1, version: v } }, { userId: bjorn.id, role: 'chair' });
    expect(cardText(res.card)).toContain('Det här får bara rådets ordförande');
    const outsiderRes = await client.execute(chat, outsider, { verb: 'council.setRole', data: { version: v } }, { userId: outsider.id, role: 'chair' });
    expect(cardText(outsiderRes.card)).toContain('Du är inte medlem i rådet');
    const after = await councilAs(chair);
    expect(version(after)).toBe(v);
    expect(cardText(after)).toMatch(/Björn Berg\s+Ledamot/);
  });

  it('lets the chair name a secretary, who may add and remove guests but not change roles', async () => {
    connector.reset();
    const v = version(await councilAs(chair));
    const named = await client.execute(chat, chair, findAction(await councilAs(chair), 'council.setRole'), { userId: bjorn.id, role: 'secretary' });
    expect(cardText(named.card)).toMatch(/Björn Berg\s+Sekreterare/);
    expect(cardText(named.card)).toContain('Ändringen är sparad');
    expect(version(named.card)).toBe(v + 1);
    await connector.waitFor((c) => c.kind === 'update' && c.conversationId === chat.id);
    expect(connector.updates(chat.id)).toHaveLength(1);

    const secretaryView = await councilAs(bjorn);
    const verbs = walkCard(secretaryView).filter((n) => n.type === 'Action.Execute').map((n) => n.verb);
    expect(verbs).toEqual(expect.arrayContaining(['council.addGuest', 'council.show']));
    expect(verbs).not.toContain('council.setRole');

    const added = await client.execute(chat, bjorn, findAction(secretaryView, 'council.addGuest'), {
      guestName: 'Gunilla Gäst',
      guestOrganisation: 'Fysioterapeuterna',
      guestEmail: '',
    });
    expect(cardText(added.card)).toMatch(/Gunilla Gäst\s+Adjungerad, Fysioterapeuterna/);

    const refused = await client.execute(chat, bjorn, { verb: 'council.setRole', data: { version: v + 2 } }, { userId: cecilia.id, role: 'secretary' });
    expect(cardText(refused.card)).toContain('Det här får bara rådets ordförande');

    const guestChoice = walkCard(added.card).find((n) => n.id === 'guestUserId');
    const guestId = guestChoice.choices[0].value;
    expect(guestId).toMatch(/^guest:/);
    const removed = await client.execute(chat, bjorn, findAction(added.card, 'council.removeGuest'), { guestUserId: guestId });
    expect(cardText(removed.card)).not.toContain('Gunilla Gäst');
  });

  it('rejects forged card data with a localized error card and changes nothing', async () => {
    const card = await councilAs(chair);
    const v = version(card);
    for (const inputs of [
      { userId: cecilia.id, role: 'emperor' },
      { userId: '', role: 'member' },
      { userId: cecilia.id, role: 'guest' },
    ]) {
      const res = await client.execute(chat, chair, findAction(card, 'council.setRole'), inputs);
      expect(cardText(res.card)).toMatch(/kunde inte användas|Adjungerade läggs till med namn/);
    }
    const noVersion = await client.execute(chat, chair, { verb: 'council.setRole', data: {} }, { userId: cecilia.id, role: 'secretary' });
    expect(cardText(noVersion.card)).toContain('Kortversion');
    const badEmail = await client.execute(chat, chair, findAction(card, 'council.addGuest'), { guestName: 'X', guestEmail: 'not-an-address' });
    expect(cardText(badEmail.card)).toContain('E-post');
    const unknown = await client.execute(chat, chair, { verb: 'council.selfDestruct', data: {} });
    expect(cardText(unknown.card)).toContain('känner igen');
    expect(version(await councilAs(chair))).toBe(v);
  });

  it('keeps the council with at least one chair', async () => {
    const card = await councilAs(chair);
    const res = await client.execute(chat, chair, findAction(card, 'council.setRole'), { userId: chair.id, role: 'member' });
    expect(cardText(res.card)).toContain('minst en ordförande');
  });

  it('answers a stale card with the current state instead of overwriting', async () => {
    const card = await councilAs(chair);
    const first = await client.execute(chat, chair, findAction(card, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    expect(cardText(first.card)).toMatch(/Cecilia Ek\s+Sekreterare/);
    // The same, now outdated, card used again.
    const stale = await client.execute(chat, chair, findAction(card, 'council.setRole'), { userId: david.id, role: 'secretary' });
    expect(cardText(stale.card)).toContain('Kortet var inaktuellt');
    expect(cardText(stale.card)).toMatch(/David Dal\s+Ledamot/);
  });

  it('takes new people from the conversation as members', async () => {
    const eva = user(5, 'Eva Ny');
    connector.setRoster(chat.id, [chair, bjorn, cecilia, david, eva]);
    await client.membersAdded(chat, chair, [eva]);
    expect(cardText(await councilAs(chair))).toMatch(/Eva Ny\s+Ledamot/);
  });

  it('still has the council, its roles and its turn state after a restart', async () => {
    const before = cardText(await councilAs(chair));
    await bot.restart();
    const after = cardText(await councilAs(chair));
    expect(after).toBe(before);
    connector.reset();
    await client.say(chat, cecilia, 'rådet');
    expect(cardText(cardOf(connector.sent(chat.id)[0]!.body))).toMatch(/Cecilia Ek\s+Sekreterare/);
  });
});

describe('a council of 130 people', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  // Real Teams user ids are some 90 characters long.
  const people = Array.from({ length: 130 }, (_, i) => ({ ...user(100 + i, `Ledamot Nummer${i} Efternamnsson`), id: `29:1${'AbCdEfGhIjKlMnOpQrSt'.repeat(4)}${i}` }));

  beforeAll(async () => {
    await connector.start();
    connector.pageSize = 100;
    connector.setRoster(chat.id, [chair, ...people]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('asks the chair for a name to change a role, keeping the card within Teams’ 100 KB', async () => {
    const own = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    expect(messageBytes({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: own }] })).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
    expect(walkCard(own).some((n) => n.id === 'userId')).toBe(false);
    const action = findAction(own, 'council.setRole');
    const set = await client.execute(chat, chair, action, { userName: 'Ledamot Nummer77 Efternamnsson', role: 'secretary' });
    expect(cardText(set.card)).toContain('Ledamot Nummer77 Efternamnsson');
    const unknown = await client.execute(chat, chair, findAction(set.card, 'council.setRole'), { userName: 'Olle', role: 'secretary' });
    expect(cardText(unknown.card)).toContain('Jag hittar ingen "Olle"');
    const roles = (await client.execute(chat, people[5]!, { verb: 'council.show' })).card;
    expect(cardText(roles)).toMatch(/Ledamot Nummer77 Efternamnsson\s*Sekreterare/);
  });
});
