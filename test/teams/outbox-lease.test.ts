import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { openStore } from '../../src/store/database.js';
import { startOutbox } from '../../src/teams/outbox-dispatcher.js';
import type { Proactive } from '../../src/teams/proactive.js';
import { testTurnKit } from '../support/turn-kit.js';

const at = () => new Date().toISOString();

describe('an outbox job that takes longer than its lease', () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-lease-'));
  const stores: Store[] = [];
  const sent: string[] = [];

  /** One instance: its own connection to the shared database, a send to a person that takes 1.2 s. */
  async function instance() {
    const store = await openStore({ sqlitePath: join(dir, 'db.sqlite') });
    stores.push(store);
    const kit = testTurnKit(store);
    const proactive: Proactive = {
      inConversation: async () => undefined,
      toPerson: async (_via, person) => {
        await new Promise((r) => setTimeout(r, 1_200));
        sent.push(person.userId);
        return 'personal';
      },
    };
    return startOutbox(kit, proactive, { intervalMs: 50, concurrency: 4, leaseMs: 300 });
  }

  beforeAll(async () => {
    const store = await openStore({ sqlitePath: join(dir, 'db.sqlite') });
    stores.push(store);
    const council = await store.councils.create(
      { id: randomUUID(), conversationId: `19:${randomUUID()}`, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at() },
      [
        { userId: '29:chair', aadObjectId: null, name: 'Åsa', email: null, role: 'chair', organisation: null, addedAt: at() },
        { userId: '29:b', aadObjectId: null, name: 'Björn', email: null, role: 'member', organisation: null, addedAt: at() },
      ],
    );
    const item = { id: randomUUID(), councilId: council!.id, meetingId: null, agendaItemId: null, ownerUserId: '29:b', ownerName: 'Björn', text: 'Underlag', dueDate: null, status: 'open' as const, createdBy: '29:chair', createdAt: at(), completedAt: null };
    await store.actionItems.create(item, 'ck-1', [{ key: `assigned:${item.id}`, kind: 'actionAssigned', payload: { actionItemId: item.id }, dueAt: at() }]);
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('is delivered once while two instances poll: the one delivering it keeps renewing the lease', async () => {
    const a = await instance();
    const b = await instance();
    try {
      // Four leases' worth of time: without renewal the other instance (or this one) takes the job again.
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(sent).toEqual(['29:b']);
    expect(await stores[0]!.outbox.pending()).toBe(0);
  });
});
