import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter, TurnContext } from 'botbuilder';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import { describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/app/ports.js';
import { type StoreOptions, openStore } from '../../src/store/database.js';
import { DatabaseStorage } from '../../src/teams/state-storage.js';
import { createDatabase } from '../support/postgres.js';

const backends: { name: string; options: () => Promise<StoreOptions> }[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-state-')), 'db.sqlite') }) },
  { name: 'postgres', options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `state_${randomUUID().slice(0, 8)}`) }) },
];

type State = TurnState<{ lastCardId?: string }, { prefersEnglish?: boolean }>;

function context(): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'msteams',
    recipient: { id: '28:bot', name: 'bot' },
    from: { id: '29:user', name: 'user' },
    conversation: { id: '19:conv', isGroup: true, conversationType: 'groupChat', name: 'c' },
    serviceUrl: 'http://localhost',
  });
}

describe.each(backends)('teams-ai turn state in the database ($name)', ({ options }) => {
  it('survives a new store instance, as after a restart, and detects lost updates', async () => {
    const opts = await options();
    let store = await openStore(opts);
    const storage = new DatabaseStorage(store.state, systemClock);
    const state = new TurnState() as State;
    await state.load(context(), storage);
    state.conversation.lastCardId = 'abc';
    state.user.prefersEnglish = true;
    await state.save(context(), storage);

    // A concurrent turn loaded the same version, then this one saves first.
    const racer = new TurnState() as State;
    await racer.load(context(), storage);
    const winner = new TurnState() as State;
    await winner.load(context(), storage);
    winner.conversation.lastCardId = 'def';
    await winner.save(context(), storage);
    racer.conversation.lastCardId = 'lost';
    await expect(racer.save(context(), storage)).rejects.toThrow(/changed by another turn/);

    await store.close();
    store = await openStore(opts);
    const reloaded = new TurnState() as State;
    await reloaded.load(context(), new DatabaseStorage(store.state, systemClock));
    expect(reloaded.conversation.lastCardId).toBe('def');
    expect(reloaded.user.prefersEnglish).toBe(true);
    await store.close();
  });
});
