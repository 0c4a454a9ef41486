import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { soonMeeting } from '../support/soon.js';
import { FakeConnector } from '../support/fake-connector.js';
import { said, sentSaying, updateOf } from '../support/delivered.js';
import { type Conversation, TeamsClient, cardOf, cardText, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');

const texts = cardTexts;
const currentTitle = (card: any) => {
  const row = walkCard(card).find((n) => n.type === 'ColumnSet' && n.style === 'accent');
  return row ? texts(row.columns[2]).find((x) => !x.startsWith('▶')) : undefined;
};


describe('running a meeting over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let liveId = '';

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    await client.say(chat, chair, `nytt möte ${soonMeeting(120, 'Regionens hus')}`);
    await client.say(chat, chair, 'nytt möte 2030-01-10 13:00-16:00 Regionens hus');
    connector.reset();
    await client.say(chat, chair, 'dagordning:\n- Inledning\n- Ekonomi\n  - Budget 2027\n- Övriga frågor');
    const preview = cardOf(connector.sent(chat.id)[0]!.body);
    await client.execute(chat, chair, findAction(preview, 'agenda.confirmImport'), {});
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function say(who: typeof chair, text: string) {
    connector.reset();
    expect((await client.say(chat, who, text)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? texts(cardOf(c.body)).join('\n')).join('\n');
  }

  let meetingId = '';
  async function liveCardAs(who: typeof chair) {
    return (await client.execute(chat, who, { verb: 'agenda.show', data: { meetingId } })).card;
  }

  it('refuses a member who tries to open the meeting', async () => {
    expect(await say(bjorn, 'öppna mötet')).toContain('Det här får bara rådets ordförande');
  });

  it('opens the meeting with the first item current and posts the live card', async () => {
    const text = await say(chair, 'öppna mötet');
    expect(text).toContain('Mötet är öppnat. Nu: Föregående mötes protokoll och åtgärder');
    const posted = connector.sent(chat.id).find((c) => cardOf(c.body))!;
    liveId = posted.activityId!;
    const card = cardOf(posted.body);
    meetingId = findAction(card, 'agenda.show').data.meetingId;
    expect(texts(card).join('\n')).toContain('Mötet pågår sedan');
    expect(currentTitle(card)).toBe('Föregående mötes protokoll och åtgärder');
    expect(await say(chair, 'öppna mötet')).toContain('Mötet pågår redan.');
  });

  it('lets the secretary mark attendance, with the quorum shown, and refuses a member', async () => {
    expect(await say(cecilia, 'närvaro')).toContain('Rådet är inte beslutfört: 1 närvarande, 2 krävs.');
    const card = cardOf(connector.sent(chat.id)[0]!.body);
    const save = findAction(card, 'attendance.save');
    expect(save.data.userIds).toEqual([chair.id, cecilia.id, bjorn.id]);
    const saved = await client.execute(chat, cecilia, save, { s0: 'present', s1: 'present', s2: 'regrets' });
    const text = texts(saved.card).join('\n');
    expect(text).toContain('Närvaron är sparad.');
    expect(text).toContain('Rådet är beslutfört: 2 av 2 som krävs.');
    expect(text).toContain('2 närvarande · 0 frånvarande · 1 återbud · 0 adjungerade');

    const memberView = await say(bjorn, 'närvaro');
    expect(memberView).toContain('Återbud');
    expect(walkCard(cardOf(connector.sent(chat.id)[0]!.body)).some((n) => n.verb === 'attendance.save')).toBe(false);
    const forged = await client.execute(chat, bjorn, save, { s0: 'absent', s1: 'absent', s2: 'present' });
    expect(texts(forged.card).join('\n')).toContain('Det här får bara rådets ordförande');
    const bad = await client.execute(chat, cecilia, { verb: 'attendance.save', data: { meetingId: save.data.meetingId, userIds: ['29:nobody'] } }, { s0: 'present' });
    expect(texts(bad.card).join('\n')).toContain('Personen finns inte bland rådets medlemmar.');
    expect(await say(chair, 'närvaro')).toContain('Rådet är beslutfört: 2 av 2 som krävs.');
  });

  it('moves item by item on commands from the chair or secretary, updating the live card in place', async () => {
    expect(await say(cecilia, 'nästa')).toContain('Nu: punkt 1 – Inledning');
    // An update queued before the move (the attendance) may still be waiting on the thread's send limit: the card ends on the new item.
    await connector.waitFor((c) => c.kind === 'update' && c.activityId === liveId && currentTitle(cardOf(c.body)) === 'Inledning', 10_000);
    // The agenda's own numbers: the standing item before item 1 took none of them.
    expect(await say(chair, 'punkt 2 a')).toContain('Nu: punkt 2 a – Budget 2027');
    expect(await say(chair, 'föregående')).toContain('Nu: punkt 2 – Ekonomi');
    expect(await say(bjorn, 'nästa')).toContain('Det här får bara rådets ordförande');
    expect(await say(chair, 'punkt 3')).toContain('Nu: punkt 3 – Övriga frågor');
    expect(await say(chair, 'nästa')).toContain('Det här är sista punkten');
    expect(await say(chair, 'punkt 9')).toContain('Dagordningen har ingen punkt 9.');
  });

  it('moves from the card, answers a stale card with the current state, and refuses a member’s invoke', async () => {
    const card = await liveCardAs(chair);
    const previous = walkCard(card).find((n) => n.verb === 'meeting.goTo' && n.data.target === 'previous');
    const moved = await client.execute(chat, chair, previous);
    expect(currentTitle(moved.card)).toBe('Budget 2027');
    const stale = await client.execute(chat, chair, previous);
    expect(texts(stale.card).join('\n')).toContain('Kortet var inaktuellt');
    const forged = await client.execute(chat, bjorn, findAction(moved.card, 'meeting.close'));
    expect(texts(forged.card).join('\n')).toContain('Det här får bara rådets ordförande');
    expect(currentTitle(await liveCardAs(chair))).toBe('Budget 2027');
  });

  it('keeps the running meeting across a restart', async () => {
    await bot.restart();
    expect(currentTitle(await liveCardAs(bjorn))).toBe('Budget 2027');
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 3 – Övriga frågor');
  });

  it('records decisions typed in the conversation on the current item, once per message', async () => {
    expect(await say(chair, 'punkt 2')).toContain('Nu: punkt 2 – Ekonomi');
    const message = client.base(chat, chair);
    Object.assign(message, { type: 'message', text: 'Beslut: Rådet godkänner budgetramen för 2027.' });
    connector.reset();
    await client.post(message);
    const first = said(await sentSaying(connector, chat.id, 'Beslut registrerat på punkt 2 – Ekonomi'));
    expect(first).toContain('Beslutat');
    expect(said(await updateOf(connector, liveId, 'Rådet godkänner budgetramen för 2027.'))).toContain('Ekonomi');
    connector.reset();
    await client.post(message);
    await sentSaying(connector, chat.id, 'Beslutet var redan registrerat.');
    expect(connector.sent(chat.id)).toHaveLength(1);

    expect(await say(bjorn, 'Beslut: Rådet beslutar något annat.')).toContain('Det här får bara rådets ordförande');
    await say(cecilia, 'Beslut: Rådet godkänner fel sak.');
    const shared = cardOf((await sentSaying(connector, chat.id, 'Rådet godkänner fel sak.')).body);
    expect(cardText(shared)).toContain('Beslut registrerat på punkt 2');
    expect(walkCard(shared).some((n) => n.verb === 'decision.undo')).toBe(false);
    expect(shared.refresh.userIds).toEqual([chair.id, cecilia.id]);
    const undoCard = (await client.execute(chat, cecilia, findAction(shared, 'decision.show'))).card;
    const refused = await client.execute(chat, bjorn, findAction(undoCard, 'decision.undo'));
    expect(texts(refused.card).join('\n')).toContain('Det här får bara rådets ordförande');
    const undone = await client.execute(chat, cecilia, findAction(undoCard, 'decision.undo'));
    expect(texts(undone.card).join('\n')).toContain('Beslutet på punkt 2 är borttaget.');

    expect(await say(chair, 'punkt 2 a')).toContain('Budget 2027');
    await say(chair, 'Beslut: Ärendet bordläggs på grund av att underlaget saknas.');
    const tabled = said(await sentSaying(connector, chat.id, 'Bordlagt'));
    expect(tabled).toContain('Underlaget saknas');
  });

  it('keeps the secretary’s notes on the current item, once per message', async () => {
    const message = client.base(chat, cecilia);
    Object.assign(message, { type: 'message', text: 'Anteckning: Rådet diskuterade underlaget och saknade kostnaderna.' });
    connector.reset();
    await client.post(message);
    expect(connector.sent(chat.id).map((c) => c.body.text).join('\n')).toContain('Anteckningen är sparad på punkt 2 a.');
    const live = await updateOf(connector, liveId, 'Rådet diskuterade underlaget');
    expect(texts(cardOf(live.body))).toContain('Rådet diskuterade underlaget och saknade kostnaderna.');
    connector.reset();
    await client.post(message);
    expect(connector.sent(chat.id)[0]!.body.text).toContain('Anteckningen var redan sparad.');
    expect(await say(bjorn, 'Anteckning: Min egen anteckning')).toContain('Det här får bara rådets ordförande');
    expect(texts(await liveCardAs(chair)).filter((x) => x.startsWith('Rådet diskuterade'))).toHaveLength(1);
  });

  it('records action items with an owner found by name, and lets the owner close theirs', async () => {
    await say(chair, 'Åtgärd: Björn tar fram ett förslag till nämnden senast 2030-03-01');
    const created = said(await sentSaying(connector, chat.id, 'Åtgärden är registrerad.'));
    expect(created).toContain('Tar fram ett förslag till nämnden');
    expect(created).toContain('Björn Berg · senast 1 mars 2030');
    expect(await say(chair, 'Åtgärd: Olle ringer regionen senast 2030-03-01')).toContain('Jag hittar ingen "Olle"');
    expect(await say(chair, 'Åtgärd: Cecilia skriver PM senast 31/2')).toContain('finns inte');
    expect(await say(bjorn, 'Åtgärd: Cecilia skriver PM senast 2030-03-01')).toContain('Det här får bara rådets ordförande');
    await say(cecilia, 'Åtgärd: Cecilia skriver ett PM senast 2030-04-01');
    expect(said(await sentSaying(connector, chat.id, 'Skriver ett PM'))).toContain('Åtgärden är registrerad.');

    await say(bjorn, 'åtgärder');
    const all = cardOf(connector.sent(chat.id)[0]!.body);
    const buttons = walkCard(all).filter((n) => n.verb === 'action.done');
    expect(buttons).toHaveLength(1);
    // Only Björn's own item has a button for him; an item id that does not exist is answered clearly.
    const missing = await client.execute(chat, cecilia, { verb: 'action.done', data: { itemId: 'nope', version: 1 } });
    expect(texts(missing.card).join('\n')).toContain('Åtgärden finns inte');

    const mine = await say(bjorn, 'mina åtgärder');
    expect(mine).toContain('Mina åtgärder');
    const myCard = cardOf(connector.sent(chat.id)[0]!.body);
    const closed = await client.execute(chat, bjorn, findAction(myCard, 'action.done'));
    expect(texts(closed.card).join('\n')).toContain('Åtgärden är klarmarkerad.');
    const remaining = await say(bjorn, 'åtgärder');
    expect(remaining).toContain('Skriver ett PM');
    expect(remaining).not.toContain('Tar fram ett förslag');
  });

  it('closes the meeting with actual times kept', async () => {
    await say(chair, 'avsluta mötet');
    expect(said(await sentSaying(connector, chat.id, 'Mötet avslutades'))).toContain('Nästa steg');
    const card = await liveCardAs(chair);
    const all = texts(card).join('\n');
    expect(all).toContain('Mötet avslutades');
    expect(all).toMatch(/faktisk tid \d{2}\.\d{2}–\d{2}\.\d{2}/);
    expect(currentTitle(card)).toBeUndefined();
    expect(await say(chair, 'nästa')).toContain('Inget möte pågår.');
    expect(await say(chair, 'Beslut: För sent.')).toContain('Inget möte pågår.');
  });

  it('brings the tabled item to the next meeting’s agenda with its history', async () => {
    connector.reset();
    await client.say(chat, bjorn, 'dagordning');
    const card = cardOf(connector.sent(chat.id)[0]!.body);
    const all = texts(card).join('\n');
    expect(all).toContain('torsdag 10 januari 2030');
    const titles = walkCard(card)
      .filter((n) => n.type === 'ColumnSet' && n.columns.length === 3)
      .map((cs) => texts(cs.columns[2]));
    expect(titles[1]![0]).toBe('Budget 2027');
    expect(titles[1]!.join(' ')).toMatch(/Bordlagt \d{4}-\d{2}-\d{2}: Underlaget saknas/);
    // The still open action item is listed under the previous meeting's notes.
    expect(titles[0]!.join('\n')).toContain('Öppna åtgärder att gå igenom (1):\nCecilia Ek: Skriver ett PM (1 apr 2030)');
  });
});
