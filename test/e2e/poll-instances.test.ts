import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';
import { BotProcess } from '../support/bot-process.js';
import { FakeConnector } from '../support/fake-connector.js';
import { createDatabase } from '../support/postgres.js';
import { type Conversation, TeamsClient, cardOf, cardText, findAction, user } from '../support/teams-client.js';

const chair = user(1, 'Åsa Ordförande');
const members = [chair, user(2, 'Björn Berg'), user(3, 'Cecilia Ek'), user(4, 'David Dahl')];
const text = cardText;

describe('a poll deadline with two instances on one PostgreSQL database', () => {
  const connector = new FakeConnector();
  let a: BotProcess;
  let b: BotProcess;
  let databaseUrl = '';
  const chat: Conversation = { id: `19:${randomUUID()}@thread.v2`, type: 'groupChat' };
  const viaA = new TeamsClient(() => a.url, connector);
  const viaB = new TeamsClient(() => b.url, connector);

  beforeAll(async () => {
    await connector.start();
    connector.setRoster(chat.id, members);
    databaseUrl = await createDatabase(inject('postgresUrl'), `instances_${randomUUID().slice(0, 8)}`);
    const env = { DATABASE_URL: databaseUrl, OUTBOX_POLL_MS: '50', ANONYMOUS_VOTE_KEY: 'k'.repeat(40) };
    a = await new BotProcess({ env }).start();
    b = await new BotProcess({ env }).start();
    await viaA.execute(chat, chair, { verb: 'council.setup' }, { name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await connector.stop();
  });

  it('closes the poll once and posts its results once, whichever instance takes the job', async () => {
    await viaA.say(chat, chair, 'omröstning');
    const form = cardOf(connector.sent(chat.id).at(-1)!.body);
    const tomorrow = utcToZoned(new Date(Date.now() + 86_400_000).toISOString(), 'Europe/Stockholm').date;
    await viaB.execute(chat, chair, findAction(form, 'poll.create'), { pQuestion: 'Fika på mötet?', pOptions: 'Ja\nNej', pAnonymous: 'true', pDate: tomorrow, pTime: '12:00' });
    const poll = cardOf(connector.sent(chat.id).at(-1)!.body);
    const vote = findAction(poll, 'poll.vote');
    // Votes through both instances: the same key hashes a voter alike on both.
    await viaA.execute(chat, members[1]!, vote, { choices: 'o1' });
    await viaB.execute(chat, members[2]!, vote, { choices: 'o2' });
    expect(text((await viaB.execute(chat, members[1]!, vote, { choices: 'o1' })).card)).toContain('Din röst var redan registrerad.');

    connector.reset();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const past = new Date(Date.now() - 1_000).toISOString();
    await client.query('update polls set deadline = $1 where id = $2', [past, vote.data.pollId]);
    await client.query('update outbox set due_at = $1 where key = $2', [past, `poll-deadline:${vote.data.pollId}`]);
    await client.end();

    await connector.waitFor((c) => c.kind === 'send' && text(cardOf(c.body)).includes('Resultat av omröstningen'), 10_000);
    // Both instances poll the outbox every 50 ms; give them time to do it twice if they would.
    await new Promise((r) => setTimeout(r, 1_000));
    const results = connector.sent(chat.id).filter((c) => text(cardOf(c.body)).includes('Resultat av omröstningen'));
    expect(results).toHaveLength(1);
    expect(text(cardOf(results[0]!.body))).toContain('Omröstningen är stängd. 2 av 4 röstade.');
  });
});
