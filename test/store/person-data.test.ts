import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { requireCouncil } from '../../src/app/councils.js';
import { load } from '../../src/app/agenda-view.js';
import { minutesOf } from '../../src/app/minutes.js';
import { minutesMarkdown } from '../../src/export/minutes-markdown.js';
import { t } from '../../src/i18n/index.js';
import { type StoreOptions, createStore, migrate, openDatabase } from '../../src/store/database.js';
import { SOMEONE_ELSE, erasePerson, exportPerson } from '../../src/store/person-data.js';
import type { Database } from '../../src/store/schema.js';
import { at, conversation, seedCouncil } from '../support/person-seed.js';
import { createDatabase } from '../support/postgres.js';

type Backend = { name: string; options: () => Promise<StoreOptions> };

const backends: Backend[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-person-')), 'db.sqlite') }) },
  { name: 'postgres', options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `person_${randomUUID().slice(0, 8)}`) }) },
];

const removedName = (locale: string) => t(locale === 'en' ? 'en' : 'sv', 'council.erasedPerson');

/** Every row of every table, for "nothing changed" and "the id is gone everywhere". */
async function everything(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables = ['councils', 'council_members', 'conversations', 'bot_state', 'meetings', 'agenda_items', 'regrets', 'decisions', 'action_items', 'attendance', 'item_notes', 'item_times', 'action_comments', 'reservations', 'protocol_notes', 'meeting_guests', 'polls', 'poll_ballots', 'outbox', 'nomination_rounds', 'nominations', 'reminder_opt_outs', 'minutes', 'minutes_adjusters', 'minutes_comments', 'signed_names'] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

describe.each(backends)('one person exported and erased on $name', ({ options }) => {
  let db: Kysely<Database>;
  let store: Store;
  let councilId: string;

  beforeEach(async () => {
    const opened = openDatabase(await options());
    db = opened.db;
    await migrate(db);
    store = createStore(db, opened.dialect);
    councilId = await seedCouncil(store, db);
  });
  afterEach(async () => {
    await store.close();
  });

  async function minutesText(meetingId: string): Promise<string> {
    const deps = { ...store, clock: { now: () => new Date('2026-12-01T10:00:00Z') }, newId: () => randomUUID() };
    const view = await requireCouncil(deps, conversation);
    const meeting = (await store.meetings.findById(meetingId))!;
    return minutesMarkdown(await minutesOf(deps, await load(deps, view, meeting)), { draft: meeting.status !== 'approved' });
  }

  async function approve(meetingId: string, adjusters: string[]): Promise<void> {
    await store.justering.setAdjusters(meetingId, adjusters, at);
    let outcome = '';
    for (const a of adjusters) outcome = await store.justering.approve(meetingId, a, 1, '2026-10-10T09:00:00.000Z', []);
    expect(outcome).toBe('approved');
  }

  it('exports every row that names the person, by Teams id or Entra id alike, and nobody else', async () => {
    const byAad = await exportPerson(db, 'aad-bjorn', at);
    const byTeams = await exportPerson(db, '29:bjorn', at);
    expect(byAad).toEqual(byTeams);
    const text = JSON.stringify(byAad);
    expect(byAad!.person).toMatchObject({ userIds: ['29:bjorn'], aadObjectIds: ['aad-bjorn'], names: ['Björn Berg'] });
    const tables = byAad!.tables;
    expect(tables.council_members).toEqual([expect.objectContaining({ name: 'Björn Berg', email: 'bjorn@region.se', organisation: 'Vårdcentralen Norr' })]);
    expect(tables.attendance).toHaveLength(2);
    expect(tables.attendance!.every((r) => r.user_id === '29:bjorn' && r.marked_by === SOMEONE_ELSE)).toBe(true);
    expect(tables.reservations!.map((r) => r.text)).toEqual(['Jag reserverar mig.', 'Jag reserverar mig.']);
    expect(tables.regrets).toEqual([expect.objectContaining({ note: 'Sjuk den dagen' })]);
    expect(tables.minutes_comments!.map((r) => r.text)).toEqual(['Mitt namn är felstavat.']);
    expect(tables.reminder_opt_outs).toHaveLength(1);
    expect(tables.item_notes!.map((r) => r.text)).toEqual(['Underlaget skickas ut i förväg.']);
    expect(tables.action_comments!.map((r) => r.text)).toEqual(['Påbörjat.']);
    // Their own named ballot; the other voter's is not theirs to see, a secret ballot is nobody's.
    expect(tables.poll_ballots).toEqual([expect.objectContaining({ voter_id: '29:bjorn', choices: '["yes"]' })]);
    // An action item of theirs, and one they gave someone else, that someone blanked.
    expect(tables.action_items!.map((r) => [r.text, r.owner_user_id, r.owner_name])).toEqual(
      expect.arrayContaining([
        ['Ta fram underlag', '29:bjorn', 'Björn Berg'],
        ['Boka lokal', SOMEONE_ELSE, SOMEONE_ELSE],
      ]),
    );
    expect(tables.nominations!.map((r) => [r.nominee_name, r.nominee_email, r.nominated_by])).toEqual(
      expect.arrayContaining([
        ['Björn Berg', 'bjorn@region.se', SOMEONE_ELSE],
        [SOMEONE_ELSE, SOMEONE_ELSE, '29:bjorn'],
      ]),
    );
    expect(tables.agenda_items_presented!.map((r) => r.presenters)).toEqual([
      ['Björn Berg', SOMEONE_ELSE],
      ['Björn Berg', SOMEONE_ELSE],
    ]);
    expect(tables.conversations!.map((r) => r.conversation_id)).toEqual(['a:personal-bjorn']);
    expect(tables.bot_state!.map((r) => r.key).sort()).toEqual(['msteams/bot/conversations/a:personal-bjorn', 'msteams/bot/users/29:bjorn']);
    expect(tables.outbox!.map((r) => [r.kind, r.sent_at]).sort()).toEqual([
      ['justeringAsk', null],
      ['justeringAsk', at],
    ]);
    // A decision's text is part of the answer; other people's ids, names, addresses and votes are not.
    expect(tables.reservations!.map((r) => (r.decision as { text: string }).text)).toEqual(['Rådet antar planen.', 'Rådet antar planen.']);
    const others = ['29:anna', 'Anna Ek', 'anna@region.se', '29:sara', 'Sara Sekreterare', '29:chair', 'Åsa Ordförande', 'aad-chair', 'secret-ballot-key', '[\\"no\\"]'];
    expect(others.filter((other) => text.includes(other))).toEqual([]);
  });

  it('erases a guest the chair added, who stays a guest under the pseudonym', async () => {
    await db.insertInto('council_members').values({ council_id: councilId, user_id: 'guest:g1', aad_object_id: null, name: 'Gustav Gäst', email: 'gustav@kommun.se', role: 'guest', organisation: 'Kommunen', added_at: at }).execute();
    await db.insertInto('attendance').values({ meeting_id: 'm2', user_id: 'guest:g1', status: 'guest', marked_by: '29:sara', marked_at: at, reason: null, reason_at: null }).execute();
    expect((await exportPerson(db, 'guest:g1', at))!.tables.attendance).toEqual([expect.objectContaining({ status: 'guest', marked_by: SOMEONE_ELSE })]);
    expect(await erasePerson(db, 'guest:g1', { at, removedName, pseudonym: () => 'g' })).toMatchObject({ outcome: 'erased', pseudonym: 'guest:erased:g' });
    expect(await db.selectFrom('council_members').select(['name', 'email', 'organisation', 'role']).where('user_id', '=', 'guest:erased:g').execute()).toEqual([
      { name: 'Borttagen person', email: null, organisation: null, role: 'guest' },
    ]);
    expect(await db.selectFrom('attendance').select('status').where('user_id', '=', 'guest:erased:g').execute()).toEqual([{ status: 'guest' }]);
  });

  it('refuses an id nobody has, changing nothing', async () => {
    const before = await everything(db);
    expect(await exportPerson(db, '29:nobody', at)).toBeUndefined();
    expect(await erasePerson(db, '29:nobody', { at, removedName })).toEqual({ outcome: 'unknown' });
    expect(await everything(db)).toEqual(before);
  });

  it('refuses to erase the chair of a council until there is another, naming the council, changing nothing', async () => {
    const before = await everything(db);
    expect(await erasePerson(db, 'aad-chair', { at, removedName })).toEqual({ outcome: 'chair', councils: [{ id: councilId, name: 'Vårdvalsråd' }] });
    expect(await everything(db)).toEqual(before);
  });

  it('erases the person everywhere; minutes approved before keep the signed name, minutes approved after show the pseudonym', async () => {
    await approve('m1', ['29:bjorn', '29:anna']);
    expect(await minutesText('m1')).toContain('Björn Berg');

    const erased = await erasePerson(db, 'aad-bjorn', { at: '2026-11-20T10:00:00.000Z', removedName, pseudonym: () => 'p1' });
    expect(erased).toMatchObject({ outcome: 'erased', pseudonym: 'erased:p1', signedMeetings: [{ id: 'm1' }] });
    await approve('m2', ['29:anna']);

    const signed = await minutesText('m1');
    expect([signed.includes('Björn Berg'), signed.includes('Borttagen person')]).toEqual([true, false]);
    const later = await minutesText('m2');
    expect([later.includes('Björn Berg'), later.includes('Borttagen person')]).toEqual([false, true]);

    const rows = JSON.stringify(await everything(db));
    const left = ['29:bjorn', 'aad-bjorn', 'bjorn@region.se', 'Sjuk den dagen', 'Mitt namn är felstavat.', 'a:personal-bjorn', 'Mitt utkast'].filter((gone) => rows.includes(gone));
    expect(left).toEqual([]);
    // The name and organisation stay only where they were signed: the approved meeting's names and its agenda.
    const where = (text: string) =>
      Object.entries(JSON.parse(rows) as Record<string, string[]>)
        .flatMap(([table, list]) => list.filter((r) => r.includes(text)).map((r) => [table, JSON.parse(r).meeting_id]))
        .sort();
    expect(where('Björn Berg')).toEqual([
      ['agenda_items', 'm1'],
      ['signed_names', 'm1'],
    ]);
    expect(where('Vårdcentralen Norr')).toEqual([['signed_names', 'm1']]);
    // Counts stay true: the pseudonym attended, voted and reserved where the person did.
    expect(await db.selectFrom('attendance').select('status').where('user_id', '=', 'erased:p1').execute()).toHaveLength(2);
    expect(await db.selectFrom('poll_ballots').select('choices').where('voter_id', '=', 'erased:p1').execute()).toEqual([{ choices: '["yes"]' }]);
    expect(await db.selectFrom('poll_ballots').select('voter_key').where('poll_id', '=', 'poll-secret').execute()).toEqual([{ voter_key: 'secret-ballot-key' }]);
    expect(await db.selectFrom('regrets').select(['user_id', 'note']).execute()).toEqual([{ user_id: 'erased:p1', note: null }]);
    expect(await db.selectFrom('council_members').select(['name', 'role', 'left_at']).where('user_id', '=', 'erased:p1').execute()).toEqual([
      { name: 'Borttagen person', role: 'member', left_at: '2026-11-20T10:00:00.000Z' },
    ]);
    // Messages to them, waiting or sent, are gone; one for someone else still goes.
    expect((await db.selectFrom('outbox').select('key').execute()).map((r) => r.key)).toEqual(['justering-ask:m2:1:29:anna']);
    expect(await db.selectFrom('bot_state').select('key').execute()).toEqual([{ key: 'msteams/bot/conversations/19:vardval@thread.tacv2' }]);
    expect(JSON.parse((await db.selectFrom('conversations').select('reference').executeTakeFirstOrThrow()).reference).user).toEqual({ id: 'erased:p1', name: 'Borttagen person', aadObjectId: 'erased:p1' });
    // The person is unknown now, under either id.
    expect(await exportPerson(db, '29:bjorn', at)).toBeUndefined();
    expect(await erasePerson(db, 'aad-bjorn', { at, removedName })).toEqual({ outcome: 'unknown' });
  });
});
