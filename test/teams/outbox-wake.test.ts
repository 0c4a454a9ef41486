import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedJob, Store } from '../../src/app/ports.js';
import { openStore } from '../../src/store/database.js';
import { type OutboxDispatcher, startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';

const HOUR = 3_600_000;

/**
 * A turn that queued what the conversation should see wakes the outbox, which then delivers at
 * once instead of at its next poll (an hour away here). A wake that comes while a claim is under
 * way (one that looked before the turn's commit) is not lost either.
 */
describe('waking the outbox', () => {
  let store: Store;
  let outbox: OutboxDispatcher | undefined;
  let gate: Promise<void> | undefined;
  const claimsStarted: (() => void)[] = [];

  beforeEach(async () => {
    store = await openStore({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-wake-')), 'db.sqlite') });
    // A claim that has looked at the store and is held before it answers, while the test goes on.
    const claim = store.outbox.claim.bind(store.outbox);
    store.outbox.claim = async (now: string, leaseMs: number, limit: number): Promise<ClaimedJob[]> => {
      const jobs = await claim(now, leaseMs, limit);
      claimsStarted.shift()?.();
      if (gate) await gate;
      return jobs;
    };
  });
  afterEach(async () => {
    await outbox?.stop();
    await store.close();
  });

  function start(): OutboxDispatcher {
    const kit = testTurnKit(store);
    const proactive: Proactive = {
      inConversation: async () => undefined,
      toPerson: async () => 'personal',
    };
    outbox = startOutbox(kit, proactive, { intervalMs: HOUR, concurrency: 4 });
    return outbox;
  }

  /** A job whose delivery the test sees: a calendar status change for a council that is not there does nothing and completes. */
  async function queue(key: string): Promise<void> {
    const at = new Date().toISOString();
    await store.outbox.enqueue([{ key, kind: 'calendarStatus', payload: { councilId: key, status: 'ok' }, dueAt: at }], at);
  }
  const nextClaim = () => new Promise<void>((r) => claimsStarted.push(r));
  /** Until the outbox has nothing left unsent: with an hour between polls, only a wake gets there. */
  async function allSent(): Promise<void> {
    while ((await store.outbox.pending()) > 0) await new Promise((r) => setTimeout(r, 10));
  }

  it('delivers a job queued after the first poll as soon as it is woken, not at the next poll', async () => {
    const first = nextClaim();
    const dispatcher = start();
    await first;
    await new Promise((r) => setTimeout(r, 20));
    await queue('after-first-poll');
    expect(await store.outbox.pending()).toBe(1);
    dispatcher.wake();
    await allSent();
  });

  it('claims again at once when woken while a claim that looked before the job was queued is under way', async () => {
    let open = () => {};
    gate = new Promise<void>((r) => (open = r));
    const looked = nextClaim();
    const dispatcher = start();
    await looked;
    // The claim saw an empty outbox; the turn commits its job and wakes the outbox meanwhile.
    await queue('queued-during-claim');
    dispatcher.wake();
    gate = undefined;
    open();
    await allSent();
  });
});
