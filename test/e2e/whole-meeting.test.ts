import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BotProcess } from '../support/bot-process.js';
import { docxText, docxToPdfPages } from '../support/docx-text.js';
import { soonMeeting } from '../support/soon.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { said, sentSaying } from '../support/delivered.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, cardTexts, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const david = user(4, 'David Dahl');
const eva = user(5, 'Eva Ek');
const helena = user(6, 'Helena Holm');

const text = cardText;
const currentTitle = (card: any) => {
  const row = walkCard(card).find((n) => n.type === 'ColumnSet' && n.style === 'accent');
  return row ? cardTexts(row.columns[2]).find((x) => !x.startsWith('▶')) : undefined;
};


const AGENDA = [
  'dagordning:',
  '- Inledning och presentation',
  '- Förfrågningsunderlag 2027',
  '- Ersättningsmodell fysioterapi',
  '- Uppföljning tillgänglighet',
  '- Budget 2027',
  '- Remiss: nationell vårdgaranti',
  '- Övriga frågor',
].join('\n');

const backends = [
  { name: 'sqlite', env: async () => ({}) },
  {
    name: 'postgres',
    env: async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl'), `e2e_${randomUUID().slice(0, 8)}`) }),
  },
];

describe.each(backends)('a whole council meeting over HTTP on $name', ({ env }) => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let meetingId = '';
  let personalCard: { conversationId: string; body: any };
  let firstDecision: any;

  async function say(who: User, message: string, extra: Record<string, unknown> = {}) {
    connector.reset();
    const activity = { ...client.base(chat, who), type: 'message', text: message, ...extra };
    expect((await client.post(activity)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);
  const live = async (who: User = chair) => (await client.execute(chat, who, { verb: 'agenda.show', data: { meetingId } })).card;
  const recordForm = (card: any) => findAction(card, 'decision.record');

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david, eva, helena]);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(chair, cecilia, bjorn, david, eva, helena);
    bot = await new BotProcess({ env: await env() }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd fysioterapi', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    await say(chair, `nytt möte ${soonMeeting(180, 'Regionens hus')}`);
    await say(chair, 'nytt möte 2030-01-10 13:00-16:00 Regionens hus');
    await say(chair, AGENDA);
    await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('refuses a decision while no meeting is open', async () => {
    expect(await say(chair, 'Beslut: Rådet godkänner något.')).toContain('Inget möte pågår.');
  });

  it('opens the meeting with eight items and takes attendance, with a guest added by name', async () => {
    expect(await say(chair, 'öppna mötet')).toContain('Mötet är öppnat.');
    const posted = connector.sent(chat.id).find((c) => cardOf(c.body))!;

    meetingId = findAction(cardOf(posted.body), 'agenda.show').data.meetingId;
    const card = await live();
    expect(walkCard(card).filter((n) => n.type === 'ColumnSet' && String(n.columns?.[0]?.width).endsWith('px'))).toHaveLength(8);

    await say(cecilia, 'närvaro');
    const attendance = lastCard();
    const save = findAction(attendance, 'attendance.save');
    const marks = Object.fromEntries(
      save.data.userIds.map((id: string, i: number) => [`s${i}`, id === helena.id ? 'regrets' : 'present']),
    );
    const saved = await client.execute(chat, cecilia, save, marks);
    expect(text(saved.card)).toContain('Rådet är beslutfört: 5 av 4 som krävs.');
    const withGuest = await client.execute(chat, cecilia, findAction(saved.card, 'attendance.addGuest'), { gName: 'Karin Lund', gOrg: 'Regionhälsan' });
    expect(text(withGuest.card)).toContain('Karin Lund, Regionhälsan');
    expect(text(withGuest.card)).toContain('5 närvarande · 0 frånvarande · 1 återbud · 1 adjungerade');
    const again = await client.execute(chat, cecilia, findAction(saved.card, 'attendance.addGuest'), { gName: 'karin  lund', gOrg: '' });
    const guestChoices = walkCard(again.card).find((n) => n.id === 'guestId').choices;
    expect(guestChoices.map((c: any) => c.title)).toEqual(['Karin Lund, Regionhälsan']);
    const empty = await client.execute(chat, cecilia, findAction(saved.card, 'attendance.addGuest'), { gName: '  ' });
    expect(text(empty.card)).toContain('Skriv gästens namn.');
  });

  it('records the first decision from the live card, with a vote, and a reservation and a protocol note', async () => {
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 1 – Inledning och presentation');
    await say(cecilia, 'Anteckning: Ordföranden hälsade Karin Lund välkommen.');
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 2 – Förfrågningsunderlag 2027');
    const form = recordForm(await live(cecilia));
    const answered = await client.execute(chat, cecilia, form, { dText: 'Rådet godkänner förfrågningsunderlaget för 2027.', dOutcome: 'decided', dFor: '4', dAgainst: '1', dAbstain: '' });
    expect(text(answered.card)).toContain('Beslutet är registrerat på punkt 2 – Förfrågningsunderlag 2027.');
    expect(text(answered.card)).toContain('Rådet godkänner förfrågningsunderlaget för 2027.');
    const decisionCard = cardOf((await sentSaying(connector, chat.id, 'Rådet godkänner förfrågningsunderlaget för 2027.')).body);
    firstDecision = decisionCard;
    expect(text(decisionCard)).toContain('4 för, 1 emot, 0 avstod');
    // A retried click records nothing twice.
    const retried = await client.execute(chat, cecilia, form, { dText: 'Rådet godkänner förfrågningsunderlaget för 2027.', dOutcome: 'decided', dFor: '4', dAgainst: '1', dAbstain: '' });
    expect(text(retried.card)).toContain('Beslutet var redan registrerat.');
    expect(text(await live()).match(/Rådet godkänner förfrågningsunderlaget/g)).toHaveLength(1);

    const reserved = await client.execute(chat, david, findAction(decisionCard, 'decision.reserve'), { rText: 'Underlaget missgynnar små mottagningar.' });
    expect(text(reserved.card)).toContain('Reservationen är registrerad');
    expect(text(reserved.card)).toContain('David Dahl reserverade sig: Underlaget missgynnar små mottagningar.');
    const second = await client.execute(chat, david, findAction(decisionCard, 'decision.reserve'), { rText: 'Igen' });
    expect(text(second.card)).toContain('redan reserverat');
    const guestTry = await client.execute(chat, helena, findAction(decisionCard, 'decision.reserve'), {});
    expect(text(guestTry.card)).toContain('närvarande');
    await connector.waitFor((u) => u.kind === 'update' && u.conversationId === chat.id && text(cardOf(u.body)).includes('David Dahl reserverade sig'));

    await say(eva, 'Protokollsanteckning: Jag vill att uppföljningen redovisas i juni.');
    expect(said(await sentSaying(connector, chat.id, 'Protokollsanteckningen är sparad'))).toContain('Jag vill att uppföljningen redovisas i juni.');
  });

  it('records an action item typed with a name, and the owner gets a personal card', async () => {
    await say(chair, 'Åtgärd: Helena kommunicerar beslutet till nämnderna senast 2030-03-15');
    const created = said(await sentSaying(connector, chat.id, 'Åtgärden är registrerad.'));
    expect(created).toContain('Helena Holm får åtgärden i sin chatt med mig.');
    const opened = await connector.waitFor((c) => c.kind === 'createConversation');
    expect(opened.body.members).toEqual([{ id: helena.id, name: '' }]);
    expect(opened.body.isGroup).toBe(false);
    const personal = await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id);
    personalCard = personal as typeof personalCard;
    expect(text(cardOf(personal.body))).toContain('Du har fått en åtgärd i Vårdvalsråd fysioterapi, registrerad av Åsa Ordförande.');
    expect(text(cardOf(personal.body))).toContain('Kommunicerar beslutet till nämnderna');
  });

  it('keeps everything across a restart in the middle of the meeting', async () => {
    await bot.restart();
    const card = await live(bjorn);
    expect(currentTitle(card)).toBe('Förfrågningsunderlag 2027');
    expect(text(card)).toContain('Rådet godkänner förfrågningsunderlaget för 2027.');
    expect(text(card)).toContain('Ordföranden hälsade Karin Lund välkommen.');
  });

  it('tables an item, refers one back, and records action items from the form and with an @mention', async () => {
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 3 – Ersättningsmodell fysioterapi');
    await say(chair, 'Beslut: Ärendet bordläggs på grund av att konsekvensanalysen saknas.');
    const tabled = said(await sentSaying(connector, chat.id, 'Bordlagt'));
    expect(tabled).toContain('Konsekvensanalysen saknas');
    const refusedSecond = await say(cecilia, 'Beslut: Rådet godkänner ersättningsmodellen.');
    expect(refusedSecond).toContain('Punkt 3 är bordlagd.');

    const card = await live(cecilia);
    const actionForm = findAction(card, 'action.create');
    const noOwner = await client.execute(chat, cecilia, actionForm, { aOwner: '29:nobody', aText: 'Ta fram en konsekvensanalys', aDue: '2030-02-01' });
    expect(text(noOwner.card)).toContain('Jag hittar ingen');
    const past = await client.execute(chat, cecilia, actionForm, { aOwner: bjorn.id, aText: 'Ta fram en konsekvensanalys', aDue: '2020-02-01' });
    expect(text(past.card)).toContain('har redan varit');
    const made = await client.execute(chat, cecilia, actionForm, { aOwner: bjorn.id, aText: 'Ta fram en konsekvensanalys', aDue: '2030-02-01' });
    expect(text(made.card)).toContain('Åtgärden är registrerad. Björn Berg får åtgärden i sin chatt med mig.');
    // Shown under the item it was given on, not among the earlier meetings' open items.
    const rows = walkCard(made.card).filter((n) => n.type === 'ColumnSet' && String(n.columns?.[0]?.width).endsWith('px'));
    expect(cardTexts(rows[3]).join(' ')).toContain('Åtgärd:  Björn Berg: Ta fram en konsekvensanalys (1 feb 2030)');
    expect(cardTexts(rows[0]).join(' ')).not.toContain('konsekvensanalys');

    expect(await say(chair, 'nästa')).toContain('Nu: punkt 4 – Uppföljning tillgänglighet');
    const form = recordForm(await live(cecilia));
    const noReason = await client.execute(chat, cecilia, form, { dText: 'Ärendet återremitteras.', dOutcome: 'referredBack' });
    expect(text(noReason.card)).toContain('Ange varför ärendet bordläggs eller återremitteras.');
    const referred = await client.execute(chat, cecilia, form, { dText: 'Ärendet återremitteras till förvaltningen.', dOutcome: 'referredBack', dReason: 'Uppföljningen ska delas upp per vårdcentral.' });
    expect(text(referred.card)).toContain('Beslutet är registrerat på punkt 4 – Uppföljning tillgänglighet.');

    const mention = {
      text: 'Åtgärd: <at>David Dahl</at> delar upp uppföljningen per vårdcentral senast 2030-01-05',
      entities: [{ type: 'mention', text: '<at>David Dahl</at>', mentioned: { id: david.id, name: 'David Dahl' } }],
    };
    await say(chair, mention.text, { entities: mention.entities });
    await sentSaying(connector, chat.id, 'David Dahl får åtgärden');
  });

  it('lets two people record decisions at the same moment without losing either', async () => {
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 5 – Budget 2027');
    const [a, b] = await Promise.all([
      client.execute(chat, chair, recordForm(await live(chair)), { dText: 'Rådet fastställer budgeten för 2027.', dOutcome: 'decided' }),
      client.execute(chat, cecilia, recordForm(await live(cecilia)), { dText: 'Rådet uppdrar åt förvaltningen att följa upp budgeten kvartalsvis.', dOutcome: 'decided' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const card = await live();
    expect(text(card)).toContain('Rådet fastställer budgeten för 2027.');
    expect(text(card)).toContain('Rådet uppdrar åt förvaltningen att följa upp budgeten kvartalsvis.');
    // One of them was a mistake: undone from its own card, which leaves the other.
    const decisionCard = cardOf((await sentSaying(connector, chat.id, 'kvartalsvis')).body);
    const mine = (await client.execute(chat, cecilia, findAction(decisionCard, 'decision.show'))).card;
    const undone = await client.execute(chat, cecilia, findAction(mine, 'decision.undo'));
    expect(text(undone.card)).toContain('Beslutet på punkt 5 är borttaget.');
    expect(text(await live())).not.toContain('kvartalsvis');
    await say(cecilia, 'Åtgärd: Eva Ek redovisar budgetutfallet senast 2030-06-01');
    await sentSaying(connector, chat.id, 'Eva Ek får åtgärden');
  });

  it('refuses a member’s hand-made invoke to record a decision or close the meeting', async () => {
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 6 – Remiss: nationell vårdgaranti');
    const form = recordForm(await live(chair));
    const forged = await client.execute(chat, bjorn, form, { dText: 'Rådet beslutar som Björn vill.' });
    expect(text(forged.card)).toContain('Det här får bara rådets ordförande');
    const close = walkCard(await live(chair)).find((n) => n.verb === 'meeting.close');
    const forgedClose = await client.execute(chat, bjorn, close, { closeTable: 'true' });
    expect(text(forgedClose.card)).toContain('Det här får bara rådets ordförande');
    expect(text(await live())).not.toContain('Björn vill');
    const decided = await client.execute(chat, chair, form, { dText: 'Rådet ställer sig bakom remissvaret.', dOutcome: 'decided' });
    expect(text(decided.card)).toContain('Beslutet är registrerat på punkt 6 – Remiss: nationell vårdgaranti.');
    await sentSaying(connector, chat.id, 'Rådet ställer sig bakom remissvaret.');
  });

  it('refuses bad decisions: empty, 20,000 characters, an impossible vote', async () => {
    const form = recordForm(await live(chair));
    const before = text(await live());
    for (const [inputs, message] of [
      [{ dText: '   ' }, 'Skriv vad rådet beslutade'],
      [{ dText: 'x'.repeat(20_000) }, 'högst 4000 tecken'],
      [{ dText: 'Rådet beslutar.', dFor: '9', dAgainst: '3' }, 'närvarande'],
    ] as const) {
      const answer = await client.execute(chat, chair, form, inputs);
      expect(answer.status).toBe(200);
      expect(text(answer.card)).toContain(message);
    }
    expect(text(await live())).toBe(before);
  });

  it('lets the secretary correct a decision at its version, answering a stale card with the current one', async () => {
    const decisionCard = connector.sent(chat.id).map((c) => cardOf(c.body)).find((c) => c && text(c).includes('remissvaret'))
      ?? lastCardWith('remissvaret');
    const own = (await client.execute(chat, cecilia, findAction(decisionCard, 'decision.show'))).card;
    const edit = findAction(own, 'decision.edit');
    const changed = await client.execute(chat, cecilia, edit, { dText: 'Rådet ställer sig bakom remissvaret med de ändringar som framfördes.', dOutcome: 'decided' });
    expect(text(changed.card)).toContain('Beslutet är ändrat.');
    const stale = await client.execute(chat, chair, edit, { dText: 'Något annat', dOutcome: 'decided' });
    expect(text(stale.card)).toContain('Kortet var inaktuellt');
    expect(text(stale.card)).toContain('med de ändringar som framfördes');
  });

  function lastCardWith(fragment: string) {
    return connector.calls.map((c) => cardOf(c.body)).filter((c) => c && text(c).includes(fragment)).at(-1);
  }

  it('closes the meeting; a reservation is then too late, a protocol note is not', async () => {
    expect(await say(chair, 'nästa')).toContain('Nu: punkt 7 – Övriga frågor');
    const form = recordForm(await live(chair));
    await say(chair, 'avsluta mötet');
    expect(said(await sentSaying(connector, chat.id, 'Mötet avslutades'))).toContain('Nästa steg');
    const late = await client.execute(chat, eva, findAction(firstDecision, 'decision.reserve'), { rText: 'Sent' });
    expect(text(late.card)).toContain('Mötet är avslutat');
    const note = await client.execute(chat, bjorn, findAction(firstDecision, 'decision.protocolNote'), { pText: 'Jag instämmer i reservationen.' });
    expect(text(note.card)).toContain('Protokollsanteckningen är sparad');
    const afterClose = await client.execute(chat, chair, form, { dText: 'För sent.' });
    expect(text(afterClose.card)).toContain('Mötet är avslutat. Beslut kan inte längre registreras');
  });

  it('gives the next meeting a draft agenda with the tabled and referred-back items and the open action items', async () => {
    const agenda = await say(bjorn, 'dagordning');
    expect(agenda).toContain('Ersättningsmodell fysioterapi');
    expect(agenda).toContain('Bordlagt');
    expect(agenda).toContain('Uppföljning tillgänglighet');
    expect(agenda).toContain('Återremitterat');
    expect(agenda).toContain('Öppna åtgärder att gå igenom (4)');
    const actions = await say(bjorn, 'åtgärder');
    for (const owner of ['Helena Holm', 'Björn Berg', 'David Dahl', 'Eva Ek']) expect(actions).toContain(owner);
  });

  it('lets an owner comment on and close their item from the personal chat', async () => {
    const dm: Conversation = { id: personalCard.conversationId, type: 'personal' };
    const card = cardOf(personalCard.body);
    const comment = findAction(card, 'action.comment');
    const commented = await client.execute(dm, helena, comment, { [comment.data.field]: 'Utkastet är skickat till nämnderna.' });
    expect(text(commented.card)).toContain('Kommentaren är sparad.');
    expect(text(commented.card)).toContain('Helena Holm');
    expect(text(commented.card)).toContain('Utkastet är skickat till nämnderna.');
    const forged = await client.execute(dm, bjorn, comment, { [comment.data.field]: 'Inte min' });
    expect(text(forged.card)).toContain('Det här får bara');
    connector.reset();
    await client.say(dm, helena, 'mina åtgärder');
    const listed = cardOf(connector.sent(dm.id)[0]!.body);
    expect(text(listed)).toContain('Vårdvalsråd fysioterapi');
    expect(text(listed)).toContain('Kommunicerar beslutet till nämnderna');
    const done = await client.execute(dm, helena, findAction(listed, 'action.done'));
    expect(text(done.card)).toContain('Åtgärden är klarmarkerad.');
    expect(text(done.card)).toContain('Inga öppna åtgärder.');
    connector.reset();
    await client.say(dm, helena, 'mina åtgärder');
    expect(connector.sent(dm.id)[0]!.body.text).toBe('Du har inga öppna åtgärder i något råd.');
    const left = await say(bjorn, 'åtgärder');
    expect(left).not.toContain('Helena Holm');
    expect(left).toContain('Björn Berg');
  });

  it('writes draft minutes of the meeting as Word and Markdown, which read back and convert to PDF', async () => {
    expect(await say(bjorn, 'protokoll')).toContain('Det här får bara');
    const answer = await say(cecilia, 'protokoll');
    expect(answer).toContain('Protokollsutkastet tas fram och sparas i Rådsassistentens mapp');
    const saved = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardTexts(cardOf(c.body)).some((t) => t.includes('Protokollsutkastet från')), 15_000);
    expect(cardText(cardOf(saved.body))).toContain('protokoll utkast.docx');
    const year = new Date().getFullYear();
    const dir = join(bot.dataDir, 'minutes', 'Vårdvalsråd fysioterapi', String(year));
    const files = readdirSync(dir);
    const word = files.find((f) => f.endsWith('protokoll utkast.docx'))!;
    expect(word).toMatch(/^\d{4}-\d{2}-\d{2} Vårdvalsråd fysioterapi protokoll utkast\.docx$/);
    const content = readFileSync(join(dir, word));
    const text = await docxText(content);
    for (const expected of [
      'Protokoll – Vårdvalsråd fysioterapi',
      'Utkast – ej justerat',
      'Närvarande',
      'Särskilt inbjudna / adjungerade',
      'Karin Lund, Regionhälsan',
      '2. Förfrågningsunderlag 2027',
      'Beslut: Rådet godkänner förfrågningsunderlaget för 2027.',
      'Omröstning: 4 för, 1 emot, 0 avstod.',
      'David Dahl reserverar sig mot beslutet: Underlaget missgynnar små mottagningar.',
      'Protokollsanteckning (Eva Ek): Jag vill att uppföljningen redovisas i juni.',
      'Ordföranden hälsade Karin Lund välkommen.',
      'Bordlagda och återremitterade ärenden',
      'Åtgärder',
      'Helena Holm',
      'Justering',
    ]) {
      expect(text).toContain(expected);
    }
    const markdown = readFileSync(join(dir, word.replace(/\.docx$/, '.md')), 'utf8');
    expect(markdown).toContain('**Beslut:** Rådet godkänner förfrågningsunderlaget för 2027.');
    expect(markdown).toContain('| Punkt | Åtgärd | Ansvarig | Klart senast | Status |');
    // Again: the first draft is kept as a version beside the new one, never overwritten.
    await say(cecilia, 'exportera protokollet');
    await connector.waitFor((c) => c.kind === 'send' && c.conversationId === chat.id && cardTexts(cardOf(c.body)).some((t) => t.includes('Protokollsutkastet från')), 15_000);
    expect(readdirSync(dir).filter((f) => f.includes('protokoll utkast (version 1).docx'))).toHaveLength(1);
    const { pages } = await docxToPdfPages(content);
    expect(pages).toBeGreaterThan(0);
  }, 120_000);
});
