import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { agendaRows } from '../support/agenda-card.js';
import { type Conversation, TeamsClient, cardOf, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');

/** As Outlook puts an invitation on the clipboard and Teams wraps it: bold paragraphs over lists. */
const outlookInvitation = `<div itemprop="copy-paste-block"><div class="WordSection1">
<p class="MsoNormal">Hej alla,</p>
<p class="MsoNormal">Välkomna till rådets möte torsdag den 13 januari 2028 i Regionens hus.</p>
<p class="MsoNormal"><b>Deltagare</b></p>
<ul type="disc"><li class="MsoListParagraph">Åsa Ordförande, Region Väst</li><li class="MsoListParagraph">Björn Berg, Vårdcentral Norr</li>
<li class="MsoListParagraph">Anna Ek, Region Halland</li><li class="MsoListParagraph">Karin Lind (Läkemedelsenheten)</li></ul>
<p class="MsoNormal"><b>Dagordning</b></p>
<ol start="1" type="1"><li class="MsoListParagraph">13.00 Mötet öppnas</li>
<li class="MsoListParagraph">13.10 Ekonomisk uppföljning, föredragande Björn Berg</li>
<li class="MsoListParagraph">14.00 Läkemedel på rekvisition, föredragande Anna Ek</li>
<li class="MsoListParagraph">15.30 Övriga frågor</li></ol>
<p class="MsoNormal"><b>Nästkommande möten</b></p>
<ul><li>16 mars 13.00–16.00, Lokal Resenären, Stationshuset, Göteborg</li><li>25 maj 13.00–16.00, Regionens hus</li><li>9 september 10.00–12.00</li></ul>
<p class="MsoNormal">Med vänlig hälsning<br>Åsa</p></div></div>`;

const plainInvitation = `dagordning
Rådsmöte 13 januari 2028
Kallade: Björn Berg, Vårdcentral Norr; Per Olsson, Regionhälsan

Dagordning
1. Inledning
2. Budget 2028

Nästkommande möten: 18 mars, 20 maj`;

/** The confirmation card's item rows: number, time, title. */
function previewItems(card: any): string[][] {
  return agendaRows(card).map((cs) => cs.columns.map((c: any) => cardTexts(c)[0] ?? ''));
}
const toggles = (card: any) => walkCard(card).filter((n) => n.type === 'Input.Toggle').map((n) => [n.id, n.title, n.value]);

describe('a whole invitation pasted as the agenda', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'nytt möte 2028-01-13 13:00-16:00 Regionens hus');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  async function lastText(say: () => Promise<unknown>): Promise<{ card: any; text: string }> {
    connector.reset();
    await say();
    const sent = connector.sent(chat.id);
    const card = cardOf(sent.at(-1)?.body);
    return { card, text: sent.map((s) => s.body.text ?? cardTexts(cardOf(s.body)).join('\n')).join('\n') };
  }

  it('imports the agenda and offers the participants and the next meetings, each a choice', async () => {
    const { card, text } = await lastText(() => client.sayHtml(chat, chair, `<p>dagordning</p>${outlookInvitation}`));
    expect(previewItems(card)).toEqual([
      ['1', '13.00–13.10', 'Mötet öppnas'],
      ['2', '13.10–14.00', 'Ekonomisk uppföljning'],
      ['3', '14.00–15.30', 'Läkemedel på rekvisition'],
      ['4', '15.30', 'Övriga frågor'],
    ]);
    expect(text).toContain('Jag förstod 4 punkter');
    expect(text).not.toMatch(/Deltagare\n|Rader jag inte förstod/);
    expect(text).toContain('Rådets ledamöter bland deltagarna i inbjudan:\nÅsa Ordförande, Björn Berg');
    expect(toggles(card)).toEqual([
      ['guest0', 'Anna Ek, Region Halland', 'false'],
      ['guest1', 'Karin Lind, Läkemedelsenheten', 'false'],
      ['planMeetings', 'Planera även de här mötena', 'false'],
    ]);
    // The year comes from the invitation's date, 13 January 2028, not from today.
    expect(text).toContain('Nästkommande möten i inbjudan:\ntorsdag 16 mars 2028, 13.00–16.00\nLokal Resenären, Stationshuset, Göteborg');
    expect(text).toContain('torsdag 25 maj 2028, 13.00–16.00\nRegionens hus\nObs: Kristi himmelsfärds dag, en helgdag');
    expect(text).toContain('lördag 9 september 2028, 10.00–12.00');
    expect(text).toContain('Obs: en lördag');
    expect(text).not.toMatch(/16 mars 2027/);
  });

  it('saves the ticked guests on the meeting and plans the meetings, in one go, and says so', async () => {
    const { card } = await lastText(() => client.sayHtml(chat, chair, `<p>dagordning</p>${outlookInvitation}`));
    const saved = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), { guest0: 'true', guest1: 'false', planMeetings: 'true' });
    expect(cardTexts(saved.card).join('\n')).toContain('Dagordningen är importerad: 4 punkter. 1 adjungerad är tillagd på mötet. 3 möten är planerade.');

    const attendance = await lastText(() => client.say(chat, chair, 'närvaro'));
    expect(attendance.text).toContain('Anna Ek, Region Halland');
    expect(attendance.text).not.toContain('Karin Lind');

    const meetings = await lastText(() => client.say(chat, chair, 'möten'));
    expect(meetings.text).toContain('torsdag 16 mars 2028, 13.00–16.00');
    expect(meetings.text).toContain('Lokal Resenären, Stationshuset, Göteborg');
    expect(meetings.text).toContain('torsdag 25 maj 2028, 13.00–16.00');
    expect(meetings.text).toContain('lördag 9 september 2028, 10.00–12.00');
  });

  it('reads a plain-text invitation the same way, and saves nothing that was not ticked', async () => {
    const { card, text } = await lastText(() => client.say(chat, chair, plainInvitation));
    expect(previewItems(card)).toEqual([
      ['1', '', 'Inledning'],
      ['2', '', 'Budget 2028'],
    ]);
    expect(text).toContain('Rådets ledamöter bland deltagarna i inbjudan:\nBjörn Berg');
    expect(toggles(card)).toEqual([
      ['guest0', 'Per Olsson, Regionhälsan', 'false'],
      ['planMeetings', 'Planera även de här mötena', 'false'],
    ]);
    expect(text).toContain('lördag 18 mars 2028');
    expect(text).toContain('lördag 20 maj 2028');
    const saved = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), {});
    const said = cardTexts(saved.card).join('\n');
    expect(said).toContain('Dagordningen är importerad: 2 punkter.');
    expect(said).not.toMatch(/adjungerad|planerade/);
    const meetings = await lastText(() => client.say(chat, chair, 'möten'));
    expect(meetings.text).not.toContain('18 mars 2028');
    expect((await lastText(() => client.say(chat, chair, 'närvaro'))).text).not.toContain('Per Olsson');
  });

  it('refuses the whole save, in words, when a ticked meeting cannot be planned', async () => {
    const before = cardTexts((await lastText(() => client.say(chat, chair, 'dagordning'))).card).join('\n');
    const { card } = await lastText(() => client.say(chat, chair, 'dagordning\nDagordning\n1. Något nytt\n\nNästkommande möten: 20 juni 17.00\nKallade: Eva Nord, Regionhälsan'));
    const refused = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), { guest0: 'true', planMeetings: 'true' });
    expect(cardTexts(refused.card).join('\n')).toContain('Mötet måste sluta efter att det börjar.');
    expect(cardTexts((await lastText(() => client.say(chat, chair, 'dagordning'))).card).join('\n')).toBe(before);
    expect((await lastText(() => client.say(chat, chair, 'närvaro'))).text).not.toContain('Eva Nord');
    expect((await lastText(() => client.say(chat, chair, 'möten'))).text).not.toContain('20 juni');
  });

  it('flags a weekend or holiday on a pasted schedule, keeping a place with commas', async () => {
    const { text } = await lastText(() =>
      client.say(chat, chair, 'mötesplan:\n2028-06-23 13:00-16:00 Lokal Resenären, Stationshuset, Göteborg\n2028-06-27 13:00-16:00\n2028-07-01 10:00-12:00'),
    );
    expect(text).toContain('fredag 23 juni 2028, 13.00–16.00\nLokal Resenären, Stationshuset, Göteborg\nObs: midsommarafton, en helgdag');
    expect(text).toContain('tisdag 27 juni 2028, 13.00–16.00');
    expect(text).toContain('lördag 1 juli 2028, 10.00–12.00');
    expect(text.match(/Obs:/g)).toHaveLength(2);
  });
});

describe('an English-speaking council', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Primary care council', locale: 'en', timeZone: 'Europe/Stockholm' });
    await client.say(chat, chair, 'new meeting 2028-01-13 13:00-16:00 Regional house');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('is told of holidays and weekends, and offered an invitation’s guests and meetings, in English', async () => {
    connector.reset();
    await client.say(chat, chair, 'schedule:\n2028-12-24 10:00-12:00\n2028-12-27 10:00-12:00');
    const plan = connector.sent(chat.id).map((s) => cardTexts(cardOf(s.body)).join('\n')).join('\n');
    expect(plan).toContain('Note: Christmas Eve, a public holiday in Sweden');
    expect(plan.match(/Note:/g)).toHaveLength(1);

    connector.reset();
    await client.say(chat, chair, 'agenda:\nParticipants: Björn Berg; Anna Ek, Region Halland\n\nAgenda\n1. Welcome\n2. Budget\n\nNext meetings: 18 March, 20 May');
    const card = cardOf(connector.sent(chat.id).at(-1)?.body);
    const text = cardTexts(card).join('\n');
    expect(text).toContain("Council members among the invitation's participants:\nBjörn Berg");
    expect(walkCard(card).filter((n) => n.type === 'Input.Toggle').map((n) => n.title)).toEqual(['Anna Ek, Region Halland', 'Schedule these meetings too']);
    const saved = await client.execute(chat, chair, findAction(card, 'agenda.confirmImport'), { guest0: 'true', planMeetings: 'true' });
    expect(cardTexts(saved.card).join('\n')).toContain('The agenda is imported: 2 items. 1 guest is added to the meeting. 2 meetings are scheduled.');
  });
});
