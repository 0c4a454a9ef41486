import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { describe, expect, inject, it } from 'vitest';
import type { CouncilMember } from '../../src/domain/council.js';
import { type StoreOptions, createStore, migrate, openDatabase } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { createDatabase } from '../support/postgres.js';

const backends: { name: string; options: () => Promise<StoreOptions> }[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-store-')), 'db.sqlite') }) },
  { name: 'postgres', options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `threads_${randomUUID().slice(0, 8)}`) }) },
];

const chair: Omit<CouncilMember, 'councilId'> = { userId: '29:chair', aadObjectId: null, name: 'Åsa', email: null, role: 'chair', organisation: null, addedAt: '2026-11-01T10:00:00.000Z' };

function reference(conversationId: string, activityId: string): string {
  return JSON.stringify({
    activityId,
    user: { id: '29:chair', name: 'Åsa' },
    bot: { id: '28:council-bot', name: 'Rådsassistenten' },
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: 't1' },
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
  });
}

describe.each(backends)('councils kept under a channel thread, on upgrade on $name', ({ options }) => {
  it('move to their channel, the oldest where a channel had two, and the channel gets a reference without the thread', async () => {
    const { db, dialect } = openDatabase(await options());
    try {
      await new Migrator({ db, provider: migrationProvider }).migrateTo('0017_outbox_lease_owner');
      const old = createStore(db, dialect);
      const channel = '19:a1b2c3@thread.tacv2';
      const other = '19:d4e5f6@thread.tacv2';
      const council = (id: string, conversationId: string, createdAt: string) =>
        old.councils.create({ id, conversationId, tenantId: 't1', name: id, locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt }, [chair]);
      // Set up from the welcome card's thread, and a second time from a later post's thread.
      await council('first', `${channel};messageid=1700000000001`, '2026-11-01T10:00:00.000Z');
      await council('second', `${channel};messageid=1700000000777`, '2026-11-02T10:00:00.000Z');
      // A channel whose council is already under the channel id is left as it is.
      await council('plain', other, '2026-11-01T10:00:00.000Z');
      await old.conversations.save({ conversationId: `${channel};messageid=1700000000001`, tenantId: 't1', kind: 'channel', reference: reference(`${channel};messageid=1700000000001`, 'a1') }, '2026-11-01T10:00:00.000Z');
      await old.conversations.save({ conversationId: `${channel};messageid=1700000000777`, tenantId: 't1', kind: 'channel', reference: reference(`${channel};messageid=1700000000777`, 'a2') }, '2026-11-02T10:00:00.000Z');
      await old.conversations.save({ conversationId: other, tenantId: 't1', kind: 'channel', reference: reference(other, 'a3') }, '2026-11-01T10:00:00.000Z');

      await migrate(db);
      const store = createStore(db, dialect);
      expect((await store.councils.findByConversation(channel))?.id).toBe('first');
      // Nothing is lost: the later one keeps its row under its thread.
      expect((await store.councils.findByConversation(`${channel};messageid=1700000000777`))?.id).toBe('second');
      expect((await store.councils.findByConversation(other))?.id).toBe('plain');

      const channelRef = await store.conversations.find(channel);
      expect(channelRef).toMatchObject({ tenantId: 't1', kind: 'channel' });
      const parsed = JSON.parse(channelRef!.reference);
      expect(parsed.conversation).toMatchObject({ id: channel, tenantId: 't1', conversationType: 'channel' });
      expect(parsed.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
      expect(parsed.activityId).toBeUndefined();
      // The threads' own references stay, for anything still addressed to them.
      expect(await store.conversations.find(`${channel};messageid=1700000000001`)).toBeDefined();
      expect(JSON.parse((await store.conversations.find(other))!.reference).activityId).toBe('a3');
    } finally {
      await db.destroy();
    }
  });
});
