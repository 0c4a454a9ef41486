import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../src/app/ports.js';
import { requireCouncil } from '../../src/app/councils.js';
import { load } from '../../src/app/agendas.js';
import { minutesOf } from '../../src/app/minutes.js';
import type { CouncilMember } from '../../src/domain/council.js';
import { minutesMarkdown } from '../../src/export/minutes-markdown.js';
import { t } from '../../src/i18n/index.js';
import { type StoreOptions, createStore, migrate, openDatabase } from '../../src/store/database.js';
import { SOMEONE_ELSE, erasePerson, exportPerson } from '../../src/store/person-data.js';
import type { Database } from '../../src/store/schema.js';
import { createDatabase } from '../support/postgres.js';

type Backend = { name: string; options: () => Promise<StoreOptions> };

const backends: Backend[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-person-')), 'db.sqlite') }) },
  { name: 'postgres', options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `person_${randomUUID().slice(0, 8)}`) }) },
];

const at = '2026-09-01T08:00:00.000Z';
const conversation = '19:vardval@thread.tacv2';
const removedName = (locale: string) => t(locale === 'en' ? 'en' : 'sv', 'council.erasedPerson');

function member(userId: string, name: string, role: CouncilMember['role'], extra: Partial<CouncilMember> = {}): Omit<CouncilMember, 'councilId'> {
  return { userId, aadObjectId: null, name, email: null, role, organisation: null, addedAt: at, ...extra };
}

/** Every row of every table, for "nothing changed" and "the id is gone everywhere". */
async function everything(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables = ['councils', 'council_members', 'conversations', 'bot_state', 'meetings', 'agenda_items', 'regrets', 'decisions', 'action_items', 'attendance', 'item_notes', 'reservations', 'protocol_notes', 'meeting_guests', 'polls', 'poll_ballots', 'outbox', 'nomination_rounds', 'nominations', 'reminder_opt_outs', 'minutes', 'minutes_adjusters', 'minutes_comments', 'signed_names'] as const;
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
    const council = await store.councils.create(
      { id: randomUUID(), conversationId: conversation, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at },
      [
        member('29:chair', 'Åsa Ordförande', 'chair', { aadObjectId: 'aad-chair' }),
        member('29:sara', 'Sara Sekreterare', 'secretary'),
        member('29:bjorn', 'Björn Berg', 'member', { aadObjectId: 'aad-bjorn', email: 'bjorn@region.se', organisation: 'Vårdcentralen Norr' }),
        member('29:anna', 'Anna Ek', 'member', { email: 'anna@region.se' }),
      ],
    );
    councilId = council!.id;
    await seed(db, councilId);
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
    expect(tables.outbox!.map((r) => r.kind)).toEqual(['justeringAsk']);
    // A decision's text is part of the answer; other people's ids, names, addresses and votes are not.
    expect(tables.reservations!.map((r) => (r.decision as { text: string }).text)).toEqual(['Rådet antar planen.', 'Rådet antar planen.']);
    const others = ['29:anna', 'Anna Ek', 'anna@region.se', '29:sara', 'Sara Sekreterare', '29:chair', 'Åsa Ordförande', 'aad-chair', 'secret-ballot-key', '[\\"no\\"]'];
    expect(others.filter((other) => text.includes(other))).toEqual([]);
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
    // A message still waiting for them is dropped; one for someone else still goes.
    expect((await db.selectFrom('outbox').select('key').where('sent_at', 'is', null).execute()).map((r) => r.key)).toEqual(['justering-ask:m2:1:29:anna']);
    expect(await db.selectFrom('bot_state').select('key').execute()).toEqual([{ key: 'msteams/bot/conversations/19:vardval@thread.tacv2' }]);
    expect(JSON.parse((await db.selectFrom('conversations').select('reference').executeTakeFirstOrThrow()).reference).user).toEqual({ id: 'erased:p1', name: 'Borttagen person' });
    // The person is unknown now, under either id.
    expect(await exportPerson(db, '29:bjorn', at)).toBeUndefined();
    expect(await erasePerson(db, 'aad-bjorn', { at, removedName })).toEqual({ outcome: 'unknown' });
  });
});

async function seed(db: Kysely<Database>, councilId: string): Promise<void> {
  const meeting = (id: string, day: string, status: string) => ({
    id,
    council_id: councilId,
    title: 'Vårdvalsråd',
    starts_at: `${day}T11:00:00.000Z`,
    ends_at: `${day}T13:00:00.000Z`,
    place: 'Regionens hus',
    online: 0,
    online_url: null,
    status,
    external_event_id: null,
    agenda_card_activity_id: null,
    created_by: '29:sara',
    created_at: at,
    updated_at: at,
    version: 1,
    current_item_id: null,
    opened_at: `${day}T11:00:00.000Z`,
    closed_at: status === 'planned' ? null : `${day}T13:00:00.000Z`,
  });
  await db.insertInto('meetings').values([meeting('m1', '2026-10-01', 'closed'), meeting('m2', '2026-11-05', 'closed'), meeting('m3', '2026-12-10', 'planned')]).execute();
  for (const m of ['m1', 'm2']) {
    await db
      .insertInto('agenda_items')
      .values({ id: `${m}-i1`, meeting_id: m, position: 0, level: 0, title: 'Plan för tillgänglighet', kind: 'decision', duration_minutes: 30, fixed_start: null, presenters: JSON.stringify(['Björn Berg', 'Anna Ek']), description: null, links: '[]', standing: null, carried_from: null, label: null })
      .execute();
    await db
      .insertInto('attendance')
      .values(['29:bjorn', '29:anna'].map((u) => ({ meeting_id: m, user_id: u, status: 'present', marked_by: '29:sara', marked_at: at, reason: null, reason_at: null })))
      .execute();
    await db
      .insertInto('decisions')
      .values({ id: `${m}-d1`, meeting_id: m, agenda_item_id: `${m}-i1`, item_number: '1', item_title: 'Plan för tillgänglighet', text: 'Rådet antar planen.', outcome: 'decided', reason: null, vote_for: null, vote_against: null, vote_abstain: null, recorded_by: '29:sara', recorded_at: at, client_key: `${m}-d1`, version: 1, card_activity_id: null })
      .execute();
    await db.insertInto('reservations').values({ decision_id: `${m}-d1`, meeting_id: m, user_id: '29:bjorn', text: 'Jag reserverar mig.', created_at: at }).execute();
    await db.insertInto('protocol_notes').values({ id: `${m}-n1`, meeting_id: m, item_id: `${m}-i1`, decision_id: `${m}-d1`, user_id: '29:anna', text: 'Anna vill ha det antecknat.', created_at: at, client_key: `${m}-n1` }).execute();
  }
  await db.insertInto('regrets').values({ meeting_id: 'm3', user_id: '29:bjorn', note: 'Sjuk den dagen', created_at: at }).execute();
  const action = (id: string, owner: string, ownerName: string, createdBy: string, text: string) => ({
    id, council_id: councilId, meeting_id: 'm2', agenda_item_id: 'm2-i1', owner_user_id: owner, owner_name: ownerName, text, due_date: null, status: 'open', created_by: createdBy, created_at: at, completed_at: null, client_key: id, version: 1,
  });
  await db.insertInto('action_items').values([action('a1', '29:bjorn', 'Björn Berg', '29:sara', 'Ta fram underlag'), action('a2', '29:anna', 'Anna Ek', '29:bjorn', 'Boka lokal')]).execute();
  const poll = (id: string, anonymous: number, status: string) => ({
    id, council_id: councilId, meeting_id: 'm1', agenda_item_id: 'm1-i1', question: 'Ska planen antas?', options: JSON.stringify([{ id: 'yes', text: 'Ja' }, { id: 'no', text: 'Nej' }]), max_choices: 1, anonymous, results_visibility: 'afterClose', deadline: null, remind_before_minutes: null, status, created_by: '29:sara', created_at: at, closed_at: status === 'closed' ? at : null, activity_id: null, client_key: id, version: 1, tally: null, card_claimed_until: null,
  });
  await db.insertInto('polls').values([poll('poll-named', 0, 'closed'), poll('poll-secret', 1, 'open')]).execute();
  await db
    .insertInto('poll_ballots')
    .values([
      { poll_id: 'poll-named', voter_key: '29:bjorn', choices: '["yes"]', voter_id: '29:bjorn', voted_at: at },
      { poll_id: 'poll-named', voter_key: '29:anna', choices: '["no"]', voter_id: '29:anna', voted_at: at },
      { poll_id: 'poll-secret', voter_key: 'secret-ballot-key', choices: '["no"]', voter_id: null, voted_at: null },
    ])
    .execute();
  await db.insertInto('nomination_rounds').values({ id: 'r1', council_id: councilId, meeting_id: 'm2', agenda_item_id: null, name: 'Arbetsgrupp', purpose: 'Två platser', seats: 2, deadline: null, self_nomination: 1, criteria: null, status: 'open', created_by: '29:sara', created_at: at, closed_at: null, poll_id: null, activity_id: null, client_key: 'r1', version: 1 }).execute();
  await db
    .insertInto('nominations')
    .values([
      { id: 'n1', round_id: 'r1', nominee_user_id: '29:bjorn', nominee_name: 'Björn Berg', nominee_email: 'bjorn@region.se', nominated_by: '29:anna', motivation: 'Kan vårdvalet', consent: 'accepted', selected: 0, created_at: at, answered_at: at },
      { id: 'n2', round_id: 'r1', nominee_user_id: '29:anna', nominee_name: 'Anna Ek', nominee_email: 'anna@region.se', nominated_by: '29:bjorn', motivation: 'Erfaren', consent: 'pending', selected: 0, created_at: at, answered_at: null },
    ])
    .execute();
  await db.insertInto('reminder_opt_outs').values({ council_id: councilId, user_id: '29:bjorn', created_at: at }).execute();
  await db.insertInto('minutes_comments').values({ id: 'c1', meeting_id: 'm2', user_id: '29:bjorn', version: 1, text: 'Mitt namn är felstavat.', client_key: 'c1', created_at: at }).execute();
  const reference = (conversationId: string, user: { id: string; name: string }) => JSON.stringify({ bot: { id: '28:bot', name: 'Rådsassistenten' }, conversation: { id: conversationId }, user, channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/' });
  await db
    .insertInto('conversations')
    .values([
      { conversation_id: 'a:personal-bjorn', tenant_id: 't1', kind: 'personal', reference: reference('a:personal-bjorn', { id: '29:bjorn', name: 'Björn Berg' }), updated_at: at },
      { conversation_id: conversation, tenant_id: 't1', kind: 'channel', reference: reference(conversation, { id: '29:bjorn', name: 'Björn Berg' }), updated_at: at },
    ])
    .execute();
  await db
    .insertInto('bot_state')
    .values([
      { key: 'msteams/bot/users/29:bjorn', data: '{"language":"sv"}', etag: '1', updated_at: at },
      { key: 'msteams/bot/conversations/a:personal-bjorn', data: '{"draft":"Mitt utkast"}', etag: '1', updated_at: at },
      { key: `msteams/bot/conversations/${conversation}`, data: '{"lastSpeaker":"29:bjorn"}', etag: '1', updated_at: at },
    ])
    .execute();
  const job = (key: string, userId: string, sent: string | null) => ({
    id: randomUUID(), key, kind: 'justeringAsk', payload: JSON.stringify({ meetingId: 'm2', version: 1, userId }), due_at: at, attempts: 0, lease_until: null, sent_at: sent, last_error: null, created_at: at, parked_at: null, lease_owner: null, lease_started: null, lease_pid: null,
  });
  await db.insertInto('outbox').values([job('justering-ask:m2:1:29:bjorn', '29:bjorn', null), job('justering-ask:m2:1:29:anna', '29:anna', null)]).execute();
}
