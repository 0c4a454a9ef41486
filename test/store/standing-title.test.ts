import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { describe, expect, inject, it } from 'vitest';
import type { NewMeeting } from '../../src/app/ports.js';
import type { CouncilMember } from '../../src/domain/council.js';
import { type StoreOptions, createStore, migrate, openDatabase } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { createDatabase } from '../support/postgres.js';

const backends: { name: string; options: () => Promise<StoreOptions> }[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-store-')), 'db.sqlite') }) },
  { name: 'postgres', options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `standing_${randomUUID().slice(0, 8)}`) }) },
];

const chair: Omit<CouncilMember, 'councilId'> = { userId: '29:chair', aadObjectId: null, name: 'Åsa', email: null, role: 'chair', organisation: null, addedAt: '2026-11-01T10:00:00.000Z' };
const at = '2026-11-01T10:00:00.000Z';
const OLD = 'Föregående mötes anteckningar och actionpunkter';

function meeting(id: string, day: string, status: NewMeeting['status']): NewMeeting {
  return { id, councilId: 'c1', title: 'Vårdvalsråd', startsAt: `${day}T12:00:00.000Z`, endsAt: `${day}T15:00:00.000Z`, place: null, online: false, onlineUrl: null, status, externalEventId: null, agendaCardActivityId: null, createdBy: '29:chair', createdAt: at };
}

describe.each(backends)('the standing item on upgrade on $name', ({ options }) => {
  it('is named with åtgärder and protokoll on agendas not yet approved; approved minutes keep their words', async () => {
    const { db, dialect } = openDatabase(await options());
    try {
      await new Migrator({ db, provider: migrationProvider }).migrateTo('0024_agenda_item_label');
      const old = createStore(db, dialect);
      await old.councils.create({ id: 'c1', conversationId: '19:standing@thread.v2', tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at }, [chair]);
      const agenda = (id: string, title = OLD) => [
        { id: `${id}-s`, title, kind: 'information' as const, level: 0 as const, presenters: [], links: [], standing: 'previousMinutes' as const },
        { id: `${id}-x`, title: 'Uppföljning av actionpunkter från förra året', kind: 'information' as const, level: 0 as const, presenters: [], links: [] },
      ];
      await old.meetings.create([
        { meeting: meeting('planned', '2026-12-03', 'planned'), agenda: agenda('planned') },
        { meeting: meeting('approved', '2026-10-03', 'approved'), agenda: agenda('approved') },
        // A chair who renamed the standing item keeps their own words.
        { meeting: meeting('renamed', '2027-01-14', 'planned'), agenda: agenda('renamed', 'Förra mötets actionpunkter') },
      ]);

      await migrate(db);
      const store = createStore(db, dialect);
      const titles = async (id: string) => (await store.meetings.agenda(id)).map((i) => i.title);
      expect(await titles('planned')).toEqual(['Föregående mötes protokoll och åtgärder', 'Uppföljning av actionpunkter från förra året']);
      expect(await titles('approved')).toEqual([OLD, 'Uppföljning av actionpunkter från förra året']);
      expect(await titles('renamed')).toEqual(['Förra mötets actionpunkter', 'Uppföljning av actionpunkter från förra året']);
    } finally {
      await db.destroy();
    }
  });
});
