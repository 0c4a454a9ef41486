import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { type Conversation, TeamsClient, cardOf, cardText, user } from '../support/teams-client.js';

const mallory = user(1, 'Mallory Malm');
const berit = user(2, 'Berit Berg');

// Anyone in Teams can send these. A megabyte of "<" used to hold the bot for minutes, and every
// other chat with it; bench/adversarial.ts measures the time, this checks the answers.
describe('hostile messages', () => {
  const connector = new FakeConnector();
  let bot: BotProcess;
  const client = new TeamsClient(() => bot.url, connector);
  const personal = (): Conversation => ({ id: `a:${randomUUID()}`, type: 'personal' });
  const group: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat', name: 'Fikarummet' };

  beforeAll(async () => {
    await connector.start();
    bot = await new BotProcess().start();
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('answers a megabyte of "<" or dots as an unknown command, and the next person as usual', async () => {
    const mine = personal();
    const lt = `${'<'.repeat(1_000_000)}x`;
    expect((await client.say(mine, mallory, lt)).status).toBe(200);
    expect(connector.sent(mine.id)[0]!.body.text).toBe(t('sv', 'unknown.command', { text: '<'.repeat(80) }));

    const dots = `${'.'.repeat(1_000_000)}x`;
    expect((await client.say(group, mallory, dots, { mention: true })).status).toBe(200);
    expect(connector.sent(group.id)[0]!.body.text).toContain(`Jag förstod inte "${'.'.repeat(80)}"`);

    const theirs = personal();
    expect((await client.say(theirs, berit, 'hjälp')).status).toBe(200);
    expect(cardText(cardOf(connector.sent(theirs.id)[0]!.body))).toContain('Det här kan Rådsassistenten');
  });

  it('keeps quiet about hostile chatter in a group chat that does not mention it', async () => {
    connector.reset();
    expect((await client.say(group, mallory, `${'!'.repeat(1_000_000)}x`)).status).toBe(200);
    expect(connector.sent(group.id)).toHaveLength(0);
  });
});
