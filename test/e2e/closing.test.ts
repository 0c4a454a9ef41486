import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess } from '../support/bot-process.js';
import { soonMeeting } from '../support/soon.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, type User, TeamsClient, cardOf, cardText, findAction, user, walkCard } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const bjorn = user(2, 'Björn Berg');
const cecilia = user(3, 'Cecilia Ek');
const text = cardText;


describe('closing a meeting with items not reached, and the council’s quorum rule', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  let meetingId = '';

  async function say(who: User, message: string) {
    connector.reset();
    expect((await client.say(chat, who, message)).status).toBe(200);
    return connector.sent(chat.id).map((c) => c.body.text ?? text(cardOf(c.body))).join('\n');
  }
  const live = async () => (await client.execute(chat, chair, { verb: 'agenda.show', data: { meetingId } })).card;

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, [chair, bjorn, cecilia]);
    bot = await new BotProcess().start();
    await client.execute(chat, chair, { verb: 'council.setup' }, { name: 'Samordningsråd primärvård', locale: 'sv', timeZone: 'Europe/Stockholm' });
    await say(chair, `nytt möte ${soonMeeting()}`);
    await say(chair, 'nytt möte 2030-02-07 09:00-11:00');
    await say(chair, 'dagordning:\n- Läkemedelsfrågor\n- Paus\n- Digitala vårdbesök\n- Jourverksamhet');
    await client.execute(chat, chair, findAction(cardOf(connector.sent(chat.id)[0]!.body), 'agenda.confirmImport'), {});
    await say(chair, 'öppna mötet');
    meetingId = findAction(cardOf(connector.sent(chat.id).find((c) => cardOf(c.body))!.body), 'agenda.show').data.meetingId;
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('asks before closing a meeting whose items were not all reached, and changes nothing', async () => {
    await say(chair, 'nästa');
    const asked = await say(chair, 'avsluta mötet');
    expect(asked).toContain('3 punkter har inte behandlats.');
    expect(asked).not.toContain('Det gick inte');
    expect(text(await live())).toContain('Mötet pågår sedan');
    const close = walkCard(await live()).find((n) => n.type === 'Action.ShowCard' && n.card?.actions?.[0]?.verb === 'meeting.close');
    expect(text(close.card)).toContain('3 punkter har inte behandlats.');
    const choices = walkCard(close.card).filter((n) => n.type === 'Input.ChoiceSet');
    expect(choices.map((c) => [c.label, c.value])).toEqual([
      ['2. Paus', 'handled'],
      ['3. Digitala vårdbesök', 'table'],
      ['4. Jourverksamhet', 'table'],
    ]);
  });

  it('tables the items not reached in one step from the card, and the next meeting gets them', async () => {
    const close = walkCard(await live()).find((n) => n.verb === 'meeting.close');
    const closed = await client.execute(chat, chair, close, {});
    expect(text(closed.card)).toContain('Mötet avslutades');
    expect(text(closed.card).match(/Punkten bordläggs till nästa sammanträde\./g)).toHaveLength(2);
    const retried = await client.execute(chat, chair, close, {});
    expect(text(retried.card)).toContain('Mötet är redan avslutat');
    const next = await say(bjorn, 'dagordning');
    expect(next).toContain('Digitala vårdbesök');
    expect(next).toContain('Jourverksamhet');
    expect(next).toContain('Punkten hanns inte med.');
    expect(next).not.toContain('Paus');
  });

  it('lets the chair set the quorum rule, which the attendance card then applies', async () => {
    expect(await say(bjorn, 'beslutförhet 2')).toContain('Det här får bara rådets ordförande');
    expect(await say(chair, 'beslutförhet')).toContain('Beslutförhet: mer än hälften av ledamöterna.');
    expect(await say(chair, 'beslutförhet 5')).toContain('Rådet har 3 ledamöter med rösträtt');
    expect(await say(chair, 'beslutförhet ibland')).toContain('Skriv "beslutförhet majoritet"');
    expect(await say(chair, 'beslutförhet 1')).toContain('Beslutförhet: minst 1 av ledamöterna.');
    // Just after the close, "närvaro" could mean the meeting held or the next: the chair is asked.
    expect(await say(chair, 'närvaro')).toContain('Vilket möte gäller närvaron?');
    const which = cardOf(connector.sent(chat.id)[0]!.body);
    const nextOne = walkCard(which).find((n) => n.verb === 'attendance.show' && n.title.includes('nästa möte'));
    expect(text((await client.execute(chat, chair, nextOne)).card)).toContain('Rådet är inte beslutfört: 0 närvarande, 1 krävs.');
    expect(await say(chair, 'beslutförhet av')).toContain('Rådet har ingen regel om beslutförhet.');
    expect(text((await client.execute(chat, chair, nextOne)).card)).not.toContain('beslutfört');
    await bot.restart();
    expect(await say(chair, 'quorum')).toContain('Rådet har ingen regel om beslutförhet.');
  });
});
