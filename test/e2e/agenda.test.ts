import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { updateOf } from '../support/delivered.js';
import { itemTitles } from '../support/agenda-card.js';
import { type Conversation, TeamsClient, cardOf, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/agendas/${name}`, import.meta.url), 'utf8');

/** All visible text of a card, including TextRuns, one string per element. */
const texts = cardTexts;
describe('agendas over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let postedId = '';
  let meetingId = '';

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd vårdcentral', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2027-12-02 13:00-16:00 Regionens hus');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function sayCard(who: typeof chair, text: string) {
    connector.reset();
    expect((await client.say(chat, who, text)).status).toBe(200);
    const sent = connector.sent(chat.id);
    return { sent, card: cardOf(sent[0]?.body), text: sent.map((s) => s.body.text ?? texts(cardOf(s.body)).join('\n')).join('\n') };
  }

  async function agendaAs(who: typeof chair) {
    return (await client.execute(chat, who, { verb: 'agenda.show', data: { meetingId } })).card;
  }

  async function importText(text: string) {
    const { card } = await sayCard(chair, `dagordning:\n${text}`);
    const saved = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), {}, { replyToId: 'confirm-card' });
    return { preview: card, saved: saved.card };
  }

  it('posts the next meeting’s agenda, starting with the standing item', async () => {
    const { sent, card } = await sayCard(bjorn, 'dagordning');
    postedId = sent[0]!.activityId!;
    meetingId = findAction(card, 'agenda.show').data.meetingId;
    const all = texts(card).join('\n');
    expect(all).toContain('torsdag 2 december 2027, 13.00–16.00');
    expect(all).toContain('Regionens hus');
    expect(itemTitles(card)).toEqual(['Föregående mötes protokoll och åtgärder']);
    expect(all).toContain('Planerad tid: 0 min av 3 tim');
    // Members see återbud but no editing; the leaders get their view through refresh.
    const verbs = walkCard(card).filter((n) => n.type === 'Action.Execute').map((n) => n.verb);
    expect(verbs).toContain('agenda.regrets');
    expect(verbs).not.toContain('agenda.addItem');
    expect(card.refresh.userIds.sort()).toEqual([chair.id].sort());
  });

  it('imports the vårdcentral fixture after showing what it understood', async () => {
    const { card: preview, text } = await sayCard(chair, `dagordning:\n${fixture('vardvalsrad-vardcentral-2026-03-26-agenda.txt')}`);
    expect(text).toContain('Jag förstod 10 punkter');
    expect(texts(preview)).toContain('Inledning och information');
    expect(itemTitles(await agendaAs(chair))).toHaveLength(1);

    connector.reset();
    const saved = await client.execute(chat, chair, findAction(preview, 'agenda.confirmImport'), {}, { replyToId: 'preview-1' });
    expect(texts(saved.card).slice(0, 3), texts(saved.card).join('|')).toContain('Dagordningen är importerad: 10 punkter. Nästa steg: skriv "öppna mötet" när mötet börjar.');
    const titles = itemTitles(saved.card);
    expect(titles).toHaveLength(11);
    expect(titles[1]).toBe('Inledning och information');
    expect(titles.at(-1)).toBe('Lagrådsremiss - samsjuklighet');
    expect(texts(saved.card)).toContain('14.35–15.00');
    // The posted agenda card is updated in place, not posted again.
    const update = await updateOf(connector, postedId);
    expect(connector.sent(chat.id)).toHaveLength(0);
    expect(itemTitles(cardOf(update.body))).toHaveLength(11);

    // A retried confirmation saves nothing twice.
    await client.execute(chat, chair, findAction(preview, 'agenda.confirmImport'), {}, { replyToId: 'preview-1' });
    expect(itemTitles(await agendaAs(chair))).toHaveLength(11);
  });

  it('imports the fysioterapi fixture from the card, with the nested question as sub-item', async () => {
    const card = await agendaAs(chair);
    const preview = await client.execute(chat, chair, findAction(card, 'agenda.previewImport'), {
      text: fixture('vardvalsrad-fysioterapi-2024-09-10-agenda.txt'),
    });
    expect(texts(preview.card).join('\n')).toContain('Jag förstod 8 punkter');
    const saved = await client.execute(chat, chair, findAction(preview.card, 'agenda.confirmImport'), {});
    const titles = itemTitles(saved.card);
    // The agenda's own "Föregående minnesanteckningar" is the standing item, in its place and not doubled.
    expect(titles.slice(0, 2)).toEqual(['Föregående minnesanteckningar', 'Nuläget inom vårdval fysioterapi; resurs, vårdgivare etc.']);
    expect(titles).not.toContain('Föregående mötes protokoll och åtgärder');
    expect(texts(saved.card)).toContain('7 a');
    expect(titles.join('\n')).not.toContain('Fysioterapimottagning Sano');
  });

  it('imports numbered items with time ranges and presenters, tables and English agendas', async () => {
    const numbered = await importText('1. Inledning 13:00–13:10 Aslak\n2. Ekonomi 13.10-13.40 Anna Svensson, Björn Berg\n3 a. Ordnad överföring\n3 b. Remisser');
    expect(texts(numbered.saved).join('\n')).toContain('Föredragande: Anna Svensson, Björn Berg');
    expect(texts(numbered.saved)).toContain('3 b');

    const table = await importText('Punkt\tAnteckning\tTid/Föredragande\nInledning\tVälkommen\t13.00 Åsa\nBudget 2027\tBeslut om ramar\t13.15 Karin');
    expect(itemTitles(table.saved).slice(1)).toEqual(['Inledning', 'Budget 2027']);

    const english = await importText('Agenda\n1. Welcome (10 min)\n2. Budget – decision\n3. Any other business');
    expect(itemTitles(english.saved).slice(1)).toEqual(['Welcome', 'Budget – decision', 'Any other business']);
  });

  it('shows HTML and card JSON in titles as text, and reports lines it did not understand', async () => {
    // Teams sends what a person typed as HTML, so typed markup arrives escaped.
    const { preview, saved } = await importText('13.00 &lt;b&gt;Fet&lt;/b&gt; {&quot;type&quot;:&quot;AdaptiveCard&quot;} ${x}<br>13.20 Ekonomi<br>13.30');
    expect(texts(preview)).toContain('13.30');
    expect(itemTitles(saved)[1]).toBe('<b>Fet</b> {"type":"AdaptiveCard"} ${x}');
  });

  it('takes a 10,000-line paste and a 300-item agenda without losing its footing', async () => {
    const lines = Array.from({ length: 10_500 }, (_, i) => `- Punkt ${i}`);
    const huge = await sayCard(chair, `dagordning:\n${lines.join('\n')}`);
    expect(huge.text).toContain('bara början lästes');
    const saved = await client.execute(chat, chair, findAction(huge.card, 'agenda.confirmImport'), {});
    const all = texts(saved.card).join('\n');
    expect(all).toContain('Sida 1 av 13');
    expect(JSON.stringify(saved.card).length).toBeLessThan(40 * 1024);
    const page2 = await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId, page: 2 } });
    expect(texts(page2.card)).toContain('Sida 2 av 13');
  });

  it('lets the chair add, move and remove items, updating the posted card each time', async () => {
    await importText('13.00 Inledning\n13.10 Ekonomi\n13.40 Övriga frågor');
    connector.reset();
    let card = await agendaAs(chair);
    const added = await client.execute(chat, chair, findAction(card, 'agenda.addItem'), {
      title: 'Nominering till arbetsgruppen',
      kind: 'election',
      durationMinutes: '20',
      presenters: 'Åsa, Karin',
      level: '0',
      link: 'https://region.sharepoint.com/sites/rad/Delade%20dokument/Nominering%20PM.pdf',
    });
    expect(texts(added.card)).toContain('📎 Nominering PM.pdf  ');
    const unsafe = await client.execute(chat, chair, findAction(card, 'agenda.addItem'), { title: 'X', link: 'javascript:alert(1)' });
    expect(texts(unsafe.card).join('\n')).toContain('Länk');
    expect(itemTitles(added.card).at(-1)).toBe('Nominering till arbetsgruppen');
    expect(texts(added.card).join('\n')).toContain('Val/nominering · Föredragande: Åsa, Karin · 20 min');
    expect(itemTitles(cardOf((await updateOf(connector, postedId, 'Nominering till arbetsgruppen')).body)).at(-1)).toBe('Nominering till arbetsgruppen');

    card = added.card;
    const itemId = walkCard(card).find((n) => n.id === 'itemId').choices.at(-1).value;
    const moved = await client.execute(chat, chair, findAction(card, 'agenda.moveItem'), { itemId });
    expect(itemTitles(moved.card).slice(-2)).toEqual(['Nominering till arbetsgruppen', 'Övriga frågor']);
    const removing = Date.now();
    const removed = await client.execute(chat, chair, findAction(moved.card, 'agenda.removeItem'), { itemId });
    expect(itemTitles(removed.card)).not.toContain('Nominering till arbetsgruppen');
    // The stale card (before the move) is answered with the current agenda.
    const stale = await client.execute(chat, chair, findAction(card, 'agenda.removeItem'), { itemId });
    expect(texts(stale.card).join('\n')).toContain('Kortet var inaktuellt');
    // Changes in quick succession may share an update; the posted card ends up as the agenda is, never posted again.
    const final = JSON.stringify(itemTitles(removed.card));
    await connector.waitFor((u) => u.kind === 'update' && u.activityId === postedId && u.at >= removing && JSON.stringify(itemTitles(cardOf(u.body))) === final);
    expect(connector.sent(chat.id)).toHaveLength(0);
  });

  it('refuses a member’s hand-made edits and changes nothing', async () => {
    const before = itemTitles(await agendaAs(chair));
    const version = findAction(await agendaAs(chair), 'agenda.addItem').data.version;
    for (const [verb, inputs] of [
      ['agenda.addItem', { title: 'Smygpunkt', kind: 'information' }],
      ['agenda.removeItem', { itemId: 'x' }],
    ] as const) {
      const res = await client.execute(chat, bjorn, { verb, data: { meetingId, version } }, inputs);
      expect(texts(res.card).join('\n')).toMatch(/Det här får bara rådets ordförande|Punkten finns inte/);
    }
    const res = await client.execute(chat, bjorn, { verb: 'agenda.previewImport', data: { meetingId } }, { text: '13.00 Smygpunkt' });
    expect(texts(res.card).join('\n')).toContain('Det här får bara rådets ordförande');
    expect(itemTitles(await agendaAs(chair))).toEqual(before);
  });

  it('records a member’s återbud, visible to the chair', async () => {
    const card = await agendaAs(bjorn);
    const sent = await client.execute(chat, bjorn, findAction(card, 'agenda.regrets'), { note: 'Krock med nämndsmöte' });
    expect(texts(sent.card)).toContain('Ditt återbud är registrerat.');
    expect(findAction(sent.card, 'agenda.regrets').data.withdraw).toBe(true);
    expect(texts(await agendaAs(chair))).toContain('Björn Berg – Krock med nämndsmöte');
    // Another member sees neither the list nor the note.
    expect(texts(await agendaAs(cecilia)).join('\n')).not.toContain('Krock med nämndsmöte');
  });

  it('keeps agenda and återbud across a restart', async () => {
    const before = await agendaAs(chair);
    await bot.restart();
    const after = await agendaAs(chair);
    expect(itemTitles(after)).toEqual(itemTitles(before));
    expect(texts(after)).toContain('Björn Berg – Krock med nämndsmöte');
  });
});

describe('moving and cancelling a meeting from its agenda card', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd', locale: 'en', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'new meeting 2027-12-02 13:00-16:00 County Hall');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('moves the meeting, retimes the agenda and updates the posted card; a member may not; cancelling replaces it', async () => {
    connector.reset();
    await client.say(chat, bjorn, 'agenda');
    const posted = connector.sent(chat.id)[0]!;
    const meetingId = findAction(cardOf(posted.body), 'agenda.show').data.meetingId;
    const card = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    const change = findAction(card, 'meeting.update');
    expect(walkCard(card).find((n) => n.id === 'mStart').value).toBe('13:00');

    const refused = await client.execute(chat, bjorn, change, { mDate: '2027-12-09', mStart: '09:00', mEnd: '12:00' });
    expect(texts(refused.card).join('\n')).toContain('Only the council’s chair');
    const backwards = await client.execute(chat, chair, change, { mDate: '2027-12-09', mStart: '12:00', mEnd: '09:00' });
    expect(texts(backwards.card).join('\n')).toContain('must end after it starts');

    connector.reset();
    const moved = await client.execute(chat, chair, change, { mDate: '2027-12-09', mStart: '09:00', mEnd: '12:00', mPlace: 'Room 3', mOnline: 'true' });
    const all = texts(moved.card).join('\n');
    expect(all).toContain('The meeting is changed.');
    expect(all).toContain('Thursday 9 December 2027, 09:00–12:00');
    expect(all).toContain('Room 3 and online');
    expect(texts(cardOf((await updateOf(connector, posted.activityId!)).body)).join('\n')).toContain('Thursday 9 December 2027, 09:00–12:00');

    const stale = await client.execute(chat, chair, findAction(card, 'meeting.cancel'));
    expect(texts(stale.card).join('\n')).toContain('out of date');
    connector.reset();
    const cancelled = await client.execute(chat, chair, findAction(moved.card, 'meeting.cancel'));
    expect(texts(cancelled.card).join('\n')).toContain('The meeting Thursday 9 December 2027, 09:00–12:00 is cancelled.');
    expect(texts(cancelled.card).join('\n')).toContain('No meetings are scheduled yet.');
    expect(texts(cardOf((await updateOf(connector, posted.activityId!)).body)).join('\n')).toContain('is cancelled.');
    connector.reset();
    await client.say(chat, bjorn, 'agenda');
    expect(connector.sent(chat.id)[0]!.body.text).toContain('There is no upcoming meeting');
  });
});
