import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { soonMeeting } from '../support/soon.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const cecilia = user(2, 'Cecilia Sekreterare');
const bjorn = user(3, 'Björn Berg');
const david = user(4, 'David Dahl');
const eva = user(5, 'Eva Ek');
const helena = user(6, 'Helena Holm');
const outsider = user(99, 'Olle Utanför');
const text = cardText;


describe('nominations for a working group over HTTP', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const tomorrow = utcToZoned(new Date(Date.now() + 86_400_000).toISOString(), 'Europe/Stockholm').date;
  let round: any;
  let meetingId = '';

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
  }
  const lastCard = () => cardOf(connector.sent(chat.id).filter((c) => cardOf(c.body)).at(-1)!.body);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, cecilia, bjorn, david, eva, helena]);
    // Each has the app personally, as after opening it once: their own cards reach their 1:1 chats.
    connector.installFor(chair, cecilia, bjorn, david, eva, helena);
    bot = await new BotProcess({ env: { OUTBOX_POLL_MS: '100' } }).start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
    const council = (await client.execute(chat, chair, { verb: 'council.show' })).card;
    await client.execute(chat, chair, findAction(council, 'council.setRole'), { userId: cecilia.id, role: 'secretary' });
    await say(chair, `nytt möte ${soonMeeting()}`);
    await say(chair, 'dagordning:\n- Arbetsgrupp för förfrågningsunderlaget');
    await client.execute(chat, chair, findAction(lastCard(), 'agenda.confirmImport'), {});
    await say(chair, 'öppna mötet');
    meetingId = findAction(cardOf(connector.sent(chat.id).find((c) => cardOf(c.body))!.body), 'agenda.show').data.meetingId;
    await say(chair, 'nästa');
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('opens a round from the form, refusing bad settings and a member', async () => {
    await say(chair, 'nominering');
    const form = lastCard();
    expect(text(form)).toContain('Resultatet blir beslut på punkt Arbetsgrupp för förfrågningsunderlaget');
    const open = findAction(form, 'nomination.open');
    const settings = {
      rName: 'arbetsgruppen för förfrågningsunderlag 2027', rPurpose: 'Ta fram förslag till nytt förfrågningsunderlag.', rSeats: '2', rDate: tomorrow,
      rCriteria: 'En privat vårdgivare och en från offentlig vård', rSelf: 'false', rTie: 'true',
    };
    expect(text((await client.execute(chat, bjorn, open, settings)).card)).toContain('Det här får bara rådets ordförande');
    expect(text((await client.execute(chat, chair, open, { ...settings, rSeats: '0' })).card)).toContain('Antalet platser ska vara 1–20.');
    expect(text((await client.execute(chat, chair, open, { ...settings, rName: ' ' })).card)).toContain('Skriv arbetsgruppens namn.');
    connector.reset();
    const opened = await client.execute(chat, chair, open, settings);
    expect(text(opened.card)).toContain('Nomineringen är öppnad.');
    round = cardOf(connector.sent(chat.id).at(-1)!.body);
    expect(text(round)).toContain('En privat vårdgivare och en från offentlig vård');
    expect(text(round)).toContain('inte tillåten');
    expect(text((await client.execute(chat, chair, open, settings)).card)).toContain('Nomineringen var redan öppnad.');
  });

  it('takes nominations of members and external persons, and asks member nominees for consent', async () => {
    const add = findAction(round, 'nomination.add');
    connector.reset();
    const first = await client.execute(chat, bjorn, add, { nMember: david.id, nMotivation: 'David har lett upphandlingen 2024.' });
    expect(text(first.card)).toContain('Nomineringen av David Dahl är registrerad. David Dahl får frågan i sin chatt med mig.');
    const ask = await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id && text(cardOf(c.body)).includes('har nominerat dig'), 8_000);
    expect(connector.calls.find((c) => c.kind === 'createConversation')!.body.members).toEqual([{ id: david.id, name: '' }]);
    expect(text(cardOf(ask.body))).toContain('Björn Berg har nominerat dig i Vårdvalsråd till:');
    askDavid = { conversationId: ask.conversationId!, card: cardOf(ask.body) };

    for (const [who, inputs, message] of [
      [bjorn, { nMember: bjorn.id, nMotivation: 'Jag vill gärna.' }, 'kan man inte nominera sig själv'],
      [eva, { nMember: david.id, nMotivation: 'Han är bäst.' }, 'David Dahl är redan nominerad.'],
      [eva, { nName: 'Karin Lund', nEmail: 'karin@', nMotivation: 'Erfaren.' }, 'giltig e-postadress'],
      [eva, { nMember: helena.id, nMotivation: '  ' }, 'Skriv en motivering.'],
      [outsider, { nMember: helena.id, nMotivation: 'Bra.' }, 'inte medlem'],
      [eva, { nMember: '29:nobody', nMotivation: 'Bra.' }, 'Personen finns inte bland rådets medlemmar.'],
    ] as const) {
      expect(text((await client.execute(chat, who, add, inputs)).card)).toContain(message);
    }
    const external = await client.execute(chat, eva, add, { nName: 'Karin Lund', nEmail: 'Karin.Lund@Regionhalsan.se', nMotivation: 'Driver en privat mottagning.' });
    expect(text(external.card)).toContain('Nomineringen av Karin Lund är registrerad.');
    expect(text(external.card)).toContain('karin.lund@regionhalsan.se');
    connector.reset();
    await client.execute(chat, cecilia, add, { nMember: helena.id, nMotivation: 'Helena kan vårdvalet.' });
    const askHelena = await connector.waitFor((c) => c.kind === 'send' && c.conversationId !== chat.id && text(cardOf(c.body)).includes('har nominerat dig'), 8_000);
    askHelenaCard = { conversationId: askHelena.conversationId!, card: cardOf(askHelena.body) };
  });

  let askDavid: { conversationId: string; card: any };
  let askHelenaCard: { conversationId: string; card: any };

  it('lets only the nominee answer, in their own chat, and shows the answers on the round card', async () => {
    const dm: Conversation = { id: askDavid.conversationId, type: 'personal' };
    const accept = askDavid.card.actions.find((a: any) => a.data?.answer === 'accepted');
    expect(text((await client.execute(dm, bjorn, accept)).card)).toContain('Bara den nominerade själv kan svara.');
    connector.reset();
    const answered = await client.execute(dm, david, accept);
    expect(text(answered.card)).toContain('Du har tackat ja.');
    const helenaDm: Conversation = { id: askHelenaCard.conversationId, type: 'personal' };
    await client.execute(helenaDm, helena, askHelenaCard.card.actions.find((a: any) => a.data?.answer === 'declined'));
    const update = await connector.waitFor((c) => c.kind === 'update' && text(cardOf(c.body)).includes('tackat nej'), 8_000);
    const card = text(cardOf(update.body));
    expect(card).toContain('David Dahl');
    expect(card).toContain('tackat ja');
    expect(card).toContain('extern, tillfrågas av ordföranden');
  });

  it('closes by selecting among those who accepted, drafting and recording the decision on the item', async () => {
    const own = (await client.execute(chat, chair, findAction(round, 'nomination.show'))).card;
    const select = findAction(own, 'nomination.select');
    const ids = Object.fromEntries(
      own.actions.find((a: any) => a.card?.actions?.[0]?.verb === 'nomination.select').card.body[0].choices.map((c: any) => [c.title, c.value]),
    );
    expect(Object.keys(ids).sort()).toEqual(['David Dahl', 'Karin Lund']);
    expect(text(own)).toContain('Helena Holm');
    expect(text((await client.execute(chat, bjorn, select, { nSelected: ids['David Dahl'] })).card)).toContain('Det här får bara rådets ordförande');
    expect(text((await client.execute(chat, chair, select, { nSelected: 'n-unknown' })).card)).toContain('Bara den som tackat ja');
    expect(text((await client.execute(chat, chair, select, { nSelected: '' })).card)).toContain('Välj minst en');
    const closed = await client.execute(chat, chair, select, { nSelected: `${ids['David Dahl']},${ids['Karin Lund']}` });
    expect(text(closed.card)).toContain('Beslut: Rådet nominerar David Dahl och Karin Lund till arbetsgruppen för förfrågningsunderlag 2027.');
    expect(text(closed.card)).toContain('Valda: David Dahl, Karin Lund.');
    const stale = await client.execute(chat, chair, select, { nSelected: ids['David Dahl'] });
    expect(text(stale.card)).toMatch(/Kortet var inaktuellt|Nomineringen är stängd/);
    const live = (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;
    expect(text(live)).toContain('Rådet nominerar David Dahl och Karin Lund till arbetsgruppen för förfrågningsunderlag 2027.');
    const late = await client.execute(chat, eva, findAction(round, 'nomination.add'), { nMember: eva.id, nMotivation: 'Sent' });
    expect(text(late.card)).toContain('Nomineringen är stängd.');
    const dm: Conversation = { id: askDavid.conversationId, type: 'personal' };
    expect(text((await client.execute(dm, david, askDavid.card.actions.find((a: any) => a.data?.answer === 'declined'))).card)).toContain('Nomineringen är stängd.');
  });

  it('closes a round by putting the accepted nominees to a closed vote with as many choices as seats', async () => {
    await say(chair, 'nominering');
    const form = lastCard();
    connector.reset();
    const opened = await client.execute(chat, chair, findAction(form, 'nomination.open'), { rName: 'Referensgruppen för tillgänglighet', rSeats: '1', rSelf: 'true' });
    expect(text(opened.card)).toContain('Nomineringen är öppnad.');
    const second = cardOf(connector.sent(chat.id).at(-1)!.body);
    const add = findAction(second, 'nomination.add');
    expect(text((await client.execute(chat, bjorn, add, { nMember: bjorn.id, nMotivation: 'Jag ställer upp.' })).card)).toContain('Nomineringen av Björn Berg är registrerad.');
    await client.execute(chat, eva, add, { nName: 'Karin Lund', nEmail: 'karin.lund@regionhalsan.se', nMotivation: 'Extern expert.' });
    const own = (await client.execute(chat, chair, findAction(second, 'nomination.show'))).card;
    connector.reset();
    const closed = await client.execute(chat, chair, findAction(own, 'nomination.poll'));
    expect(text(closed.card)).toContain('omröstningen om de nominerade är startad');
    const poll = cardOf(connector.sent(chat.id).find((c) => text(cardOf(c.body)).includes('Referensgruppen för tillgänglighet') && findActionOrNull(cardOf(c.body), 'poll.vote'))!.body);
    expect(text(poll)).toContain('Anonym');
    expect(walkCard(poll).find((n) => n.id === 'choices').choices.map((c: any) => c.title)).toEqual(['Björn Berg', 'Karin Lund']);
    const vote = findAction(poll, 'poll.vote');
    const voted = await client.execute(chat, david, vote, { choices: 'o2' });
    expect(text(voted.card)).toContain('Din röst är registrerad.');
    expect(text((await client.execute(chat, david, vote, { choices: 'o1,o2' })).card)).toContain('högst 1');
  });
});

function findActionOrNull(card: any, verb: string) {
  try {
    return findAction(card, verb);
  } catch {
    return null;
  }
}
