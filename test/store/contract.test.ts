import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type NewMeeting, type Store, StateConflictError } from '../../src/app/ports.js';
import type { AgendaItemDraft } from '../../src/domain/agenda.js';
import type { CouncilMember } from '../../src/domain/council.js';
import { type StoreOptions, createStore, migrate, openDatabase, openStore } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { exportCouncil } from '../../src/store/council-export.js';
import { createDatabase } from '../support/postgres.js';

type Backend = { name: string; options: () => Promise<StoreOptions> };

const backends: Backend[] = [
  { name: 'sqlite', options: async () => ({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'council-store-')), 'db.sqlite') }) },
  {
    name: 'postgres',
    options: async () => ({ databaseUrl: await createDatabase(inject('postgresUrl'), `contract_${randomUUID().slice(0, 8)}`) }),
  },
];

const at = '2026-11-23T10:00:00.000Z';

function member(userId: string, name: string, role: CouncilMember['role'] = 'member'): Omit<CouncilMember, 'councilId'> {
  return { userId, aadObjectId: null, name, email: null, role, organisation: null, addedAt: at };
}

describe.each(backends)('store contract on $name', ({ options }) => {
  let opts: StoreOptions;
  let store: Store;

  beforeEach(async () => {
    opts = await options();
    store = await openStore(opts);
  });
  afterEach(async () => {
    await store.close();
  });

  async function newCouncil(conversationId = `19:${randomUUID()}`) {
    const council = await store.councils.create(
      {
        id: randomUUID(),
        conversationId,
        tenantId: 't1',
        name: 'Vårdvalsråd fysioterapi',
        locale: 'sv',
        timeZone: 'Europe/Stockholm',
        createdBy: '29:chair',
        createdAt: at,
      },
      [member('29:chair', 'Åsa Chair', 'chair'), member('29:b', 'Björn'), member('29:a', 'Anna')],
    );
    if (!council) throw new Error('not created');
    return council;
  }

  it('reports itself reachable and migrated, and migrating again changes nothing', async () => {
    expect(await store.health()).toMatchObject({ reachable: true, migrated: true });
    await store.close();
    store = await openStore(opts);
    expect(await store.health()).toMatchObject({ reachable: true, migrated: true });
  });

  it('creates a council with its members, once per conversation', async () => {
    const council = await newCouncil('19:conv-a');
    expect(council).toMatchObject({ name: 'Vårdvalsråd fysioterapi', locale: 'sv', version: 1, tenantId: 't1' });
    expect(await store.councils.findByConversation('19:conv-a')).toEqual(council);
    expect(await store.councils.findById(council.id)).toEqual(council);
    const again = await store.councils.create(
      { id: randomUUID(), conversationId: '19:conv-a', tenantId: null, name: 'Other', locale: 'en', timeZone: 'UTC', createdBy: 'x', createdAt: at },
      [member('29:x', 'X', 'chair')],
    );
    expect(again).toBeUndefined();
    const members = await store.councils.members(council.id);
    expect(members.map((m) => [m.name, m.role])).toEqual([
      ['Åsa Chair', 'chair'],
      ['Anna', 'member'],
      ['Björn', 'member'],
    ]);
    expect(await store.councils.member(council.id, '29:x')).toBeUndefined();
  });

  it('changes a role only at the expected version and bumps the version', async () => {
    const council = await newCouncil();
    expect(await store.councils.setRole(council.id, '29:a', 'secretary', 1, at)).toBe(true);
    expect((await store.councils.member(council.id, '29:a'))?.role).toBe('secretary');
    // A second change from the same (now stale) card is refused and changes nothing.
    expect(await store.councils.setRole(council.id, '29:b', 'secretary', 1, at)).toBe(false);
    expect((await store.councils.member(council.id, '29:b'))?.role).toBe('member');
    expect((await store.councils.findById(council.id))?.version).toBe(2);
    // A change aimed at nobody does not bump the version.
    expect(await store.councils.setRole(council.id, '29:nobody', 'member', 2, at)).toBe(false);
    expect((await store.councils.findById(council.id))?.version).toBe(2);
  });

  it('adds and removes members under the version check', async () => {
    const council = await newCouncil();
    const guest: CouncilMember = { ...member('guest:1', 'Gäst Gästsson', 'guest'), councilId: council.id, organisation: 'Region X' };
    expect(await store.councils.addMember(guest, 1)).toBe(true);
    expect(await store.councils.addMember({ ...guest, userId: 'guest:2' }, 1)).toBe(false);
    expect(await store.councils.member(council.id, 'guest:1')).toMatchObject({ organisation: 'Region X', role: 'guest' });
    expect(await store.councils.removeMember(council.id, 'guest:1', 2, at)).toBe(true);
    expect(await store.councils.member(council.id, 'guest:1')).toBeUndefined();
    expect(await store.councils.removeMember(council.id, 'guest:1', 3, at)).toBe(false);
  });

  it('adds missing roster members without touching existing roles', async () => {
    const council = await newCouncil();
    const added = await store.councils.addMissingMembers(council.id, [
      { ...member('29:chair', 'Åsa', 'member'), councilId: council.id },
      { ...member('29:c', 'Cecilia'), councilId: council.id },
    ]);
    expect(added).toBe(1);
    expect((await store.councils.member(council.id, '29:chair'))?.role).toBe('chair');
    expect((await store.councils.members(council.id)).length).toBe(4);
  });

  it('records a member Teams would not open a personal chat with, and for what, until they are reached in any council', async () => {
    const council = await newCouncil();
    const other = await newCouncil();
    await store.councils.markUnreached(council.id, '29:b', 'pollReminder', at);
    await store.councils.markUnreached(council.id, '29:b', 'actionItem', '2026-11-24T10:00:00.000Z');
    await store.councils.markUnreached(other.id, '29:b', 'reminder', at);
    // Not a member: nothing to record.
    await store.councils.markUnreached(council.id, '29:nobody', 'reminder', at);
    expect((await store.councils.member(council.id, '29:b'))?.unreached).toEqual({ since: at, for: ['actionItem', 'pollReminder'] });
    expect((await store.councils.members(council.id)).filter((m) => m.unreached).map((m) => m.userId)).toEqual(['29:b']);
    // The record of a council is not its version: nobody's card goes out of date over it.
    expect((await store.councils.findById(council.id))?.version).toBe(1);
    await store.councils.markReached('29:b');
    expect((await store.councils.member(council.id, '29:b'))?.unreached).toBeNull();
    expect((await store.councils.member(other.id, '29:b'))?.unreached).toBeNull();
  });

  it('keeps people who left on the record, out of the members, and takes them back with their role', async () => {
    const council = await newCouncil();
    expect(await store.councils.markLeft(council.id, ['29:chair'], '29:b', 2, at)).toBe(false);
    expect(await store.councils.markLeft(council.id, ['29:chair'], '29:b', 1, at)).toBe(true);
    expect((await store.councils.members(council.id)).map((m) => [m.userId, m.role])).toEqual([
      ['29:b', 'chair'],
      ['29:a', 'member'],
    ]);
    expect(await store.councils.member(council.id, '29:chair')).toBeUndefined();
    expect(await store.councils.councilsOf('29:chair')).toEqual([]);
    // Minutes of a meeting before they left still have them; of one after, not.
    const idsAt = async (moment: string) => (await store.councils.membersAt(council.id, moment)).map((m) => m.userId).sort();
    expect(await idsAt('2026-11-01T09:00:00.000Z')).toEqual(['29:a', '29:b', '29:chair']);
    expect(await idsAt('2026-12-01T09:00:00.000Z')).toEqual(['29:a', '29:b']);
    expect((await store.councils.findById(council.id))?.version).toBe(2);
    // Back in the conversation: the roster sync makes them a member again, with the role they had.
    expect(await store.councils.addMissingMembers(council.id, [{ ...member('29:chair', 'Åsa', 'member'), councilId: council.id }])).toBe(1);
    expect(await store.councils.member(council.id, '29:chair')).toMatchObject({ role: 'chair', name: 'Åsa Chair' });
  });

  it('marks a council not reachable from the first notice on, and reachable again', async () => {
    const council = await newCouncil();
    expect((await store.councils.findById(council.id))?.unreachableSince).toBeNull();
    expect((await store.councils.setUnreachable(council.conversationId, '2026-03-02T10:00:00.000Z'))?.unreachableSince).toBe('2026-03-02T10:00:00.000Z');
    expect((await store.councils.setUnreachable(council.conversationId, '2026-03-02T11:00:00.000Z'))?.unreachableSince).toBe('2026-03-02T10:00:00.000Z');
    expect((await store.councils.setUnreachable(council.conversationId, null))?.unreachableSince).toBeNull();
    expect(await store.councils.setUnreachable('19:no-council', at)).toBeUndefined();
    expect((await store.councils.members(council.id)).length).toBe(3);
  });

  it('updates settings under the version check', async () => {
    const council = await newCouncil();
    expect(await store.councils.updateSettings(council.id, { name: 'Samordningsråd', locale: 'en', timeZone: 'UTC' }, 1, at)).toBe(true);
    expect(await store.councils.findById(council.id)).toMatchObject({ name: 'Samordningsråd', locale: 'en', timeZone: 'UTC', version: 2 });
    expect(await store.councils.updateSettings(council.id, { name: 'Stale', locale: 'sv', timeZone: 'UTC' }, 1, at)).toBe(false);
  });

  it('keeps one conversation reference per conversation', async () => {
    await store.conversations.save({ conversationId: 'c1', tenantId: 't', kind: 'channel', reference: '{"a":1}' }, at);
    await store.conversations.save({ conversationId: 'c1', tenantId: 't', kind: 'channel', reference: '{"a":2}' }, at);
    expect(await store.conversations.find('c1')).toEqual({ conversationId: 'c1', tenantId: 't', kind: 'channel', reference: '{"a":2}' });
    expect(await store.conversations.find('nope')).toBeUndefined();
  });

  it('stores turn state with optimistic concurrency', async () => {
    await store.state.write([{ key: 'k1', data: { n: 1, text: 'Å' } }], at);
    const first = (await store.state.read(['k1', 'k2'])).get('k1')!;
    expect(first.data).toEqual({ n: 1, text: 'Å' });
    await store.state.write([{ key: 'k1', data: { n: 2 }, expectedEtag: first.etag }], at);
    await expect(store.state.write([{ key: 'k1', data: { n: 3 }, expectedEtag: first.etag }], at)).rejects.toBeInstanceOf(
      StateConflictError,
    );
    expect((await store.state.read(['k1'])).get('k1')!.data).toEqual({ n: 2 });
    // '*' and a missing etag overwrite; an etag for a row that never existed creates it.
    await store.state.write([{ key: 'k1', data: { n: 4 }, expectedEtag: '*' }], at);
    await store.state.write([{ key: 'k9', data: { n: 9 }, expectedEtag: 'whatever' }], at);
    expect((await store.state.read(['k1'])).get('k1')!.data).toEqual({ n: 4 });
    expect((await store.state.read(['k9'])).get('k9')!.data).toEqual({ n: 9 });
    await store.state.delete(['k1', 'k9']);
    expect((await store.state.read(['k1', 'k9'])).size).toBe(0);
  });

  it('lets exactly one of two concurrent writers with the same etag win', async () => {
    await store.state.write([{ key: 'race', data: { n: 0 } }], at);
    const { etag } = (await store.state.read(['race'])).get('race')!;
    const results = await Promise.allSettled([
      store.state.write([{ key: 'race', data: { n: 1 }, expectedEtag: etag }], at),
      store.state.write([{ key: 'race', data: { n: 2 }, expectedEtag: etag }], at),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  function meeting(councilId: string, id: string, day: string, extra: Partial<NewMeeting> = {}): NewMeeting {
    return {
      id,
      councilId,
      title: 'Vårdvalsråd',
      startsAt: `${day}T12:00:00.000Z`,
      endsAt: `${day}T15:00:00.000Z`,
      place: 'Regionens hus',
      online: false,
      onlineUrl: null,
      status: 'planned',
      externalEventId: null,
      agendaCardActivityId: null,
      createdBy: '29:chair',
      createdAt: at,
      ...extra,
    };
  }

  const bare = (meetings: NewMeeting[]) => meetings.map((meeting) => ({ meeting, agenda: [] }));

  function item(id: string, title: string, extra: Partial<AgendaItemDraft> = {}): AgendaItemDraft {
    return { id, title, kind: 'information', level: 0, presenters: [], links: [], ...extra };
  }

  it('keeps a meeting’s agenda in order and replaces it only at the expected version', async () => {
    const council = await newCouncil();
    const [created] = await store.meetings.create([
      { meeting: meeting(council.id, 'ma', '2026-12-03'), agenda: [item('i0', 'Föregående mötes anteckningar', { standing: 'previousMinutes' })] },
    ]);
    expect(await store.meetings.agenda('ma')).toEqual([item('i0', 'Föregående mötes anteckningar', { standing: 'previousMinutes' })]);
    const agenda = [
      item('i1', 'Inledning <b>och</b> ${information}', { fixedStart: '13:00', durationMinutes: 10, presenters: ['Åsa', 'Björn'] }),
      item('i2', 'Remisser', { level: 1, kind: 'decision', description: 'Två remisser', links: [{ title: 'PM', url: 'https://example.org/pm' }] }),
      // The chair's own number, as the imported agenda had it.
      item('i3', 'Budget 2027', { level: 1, label: '12 ab' }),
    ];
    const saved = await store.meetings.saveAgenda('ma', agenda, created!.version, at);
    expect(saved?.version).toBe(2);
    expect(await store.meetings.agenda('ma')).toEqual(agenda);
    expect(await store.meetings.saveAgenda('ma', [], 1, at)).toBeUndefined();
    expect(await store.meetings.agenda('ma')).toHaveLength(3);
    const many = Array.from({ length: 300 }, (_, i) => item(`x${i}`, `Punkt ${i}`));
    await store.meetings.saveAgenda('ma', many, 2, at);
    expect((await store.meetings.agenda('ma')).map((i) => i.id)).toEqual(many.map((i) => i.id));
  });

  it('records one återbud per person and meeting', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mr', '2026-12-03')]));
    await store.meetings.saveRegret({ meetingId: 'mr', userId: '29:a', note: 'Sjuk', createdAt: at });
    await store.meetings.saveRegret({ meetingId: 'mr', userId: '29:a', note: 'Krock med annat möte', createdAt: at });
    await store.meetings.saveRegret({ meetingId: 'mr', userId: '29:b', note: null, createdAt: at });
    expect((await store.meetings.regrets('mr')).map((r) => [r.userId, r.note])).toEqual([
      ['29:a', 'Krock med annat möte'],
      ['29:b', null],
    ]);
    expect(await store.meetings.withdrawRegret('mr', '29:b')).toBe(true);
    expect(await store.meetings.withdrawRegret('mr', '29:b')).toBe(false);
    expect(await store.meetings.regrets('mr')).toHaveLength(1);
  });

  it('creates a schedule of meetings whole or not at all', async () => {
    const council = await newCouncil();
    const created = await store.meetings.create(bare([meeting(council.id, 'm1', '2026-12-03'), meeting(council.id, 'm2', '2027-01-14', { online: true, place: null })]));
    expect(created.map((m) => [m.id, m.version, m.online])).toEqual([
      ['m1', 1, false],
      ['m2', 1, true],
    ]);
    expect(await store.meetings.findById('m2')).toEqual(created[1]);
    await expect(store.meetings.create(bare([meeting(council.id, 'm3', '2027-02-01'), meeting(council.id, 'm1', '2027-03-01')]))).rejects.toThrow();
    expect(await store.meetings.findById('m3')).toBeUndefined();
  });

  it('lists the coming meetings in order, without cancelled or past ones', async () => {
    const council = await newCouncil();
    const other = await newCouncil();
    await store.meetings.create(bare([
      meeting(council.id, 'late', '2027-02-01'),
      meeting(council.id, 'past', '2026-01-01'),
      meeting(council.id, 'soon', '2026-12-03'),
      meeting(council.id, 'gone', '2026-12-10', { status: 'cancelled' }),
      meeting(other.id, 'elsewhere', '2026-12-04'),
    ]));
    const upcoming = await store.meetings.upcoming(council.id, '2026-11-23T00:00:00.000Z', 10);
    expect(upcoming.map((m) => m.id)).toEqual(['soon', 'late']);
    expect((await store.meetings.upcoming(council.id, '2026-11-23T00:00:00.000Z', 1)).map((m) => m.id)).toEqual(['soon']);
  });

  it('changes a meeting only at the expected version', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mv', '2026-12-03')]));
    const moved = await store.meetings.update('mv', { startsAt: '2026-12-04T12:00:00.000Z', place: null, online: true }, 1, at);
    expect(moved).toMatchObject({ startsAt: '2026-12-04T12:00:00.000Z', place: null, online: true, version: 2, title: 'Vårdvalsråd' });
    expect(await store.meetings.update('mv', { title: 'Stale' }, 1, at)).toBeUndefined();
    expect((await store.meetings.findById('mv'))?.title).toBe('Vårdvalsråd');
  });

  it('keeps one meeting per calendar event, links events without a version bump, and keeps the sync state', async () => {
    const council = await newCouncil();
    const calendar = { mailbox: 'radet@region.se', category: 'Vårdvalsråd', subjectRule: 'vårdvalsråd' };
    expect(await store.councils.setCalendar(council.id, calendar, council.version, at)).toBe(true);
    expect((await store.councils.findById(council.id))?.calendar).toEqual(calendar);
    expect((await store.councils.withCalendar()).map((c) => c.id)).toContain(council.id);
    const fromEvent = { ...meeting(council.id, 'e1', '2026-12-03'), externalEventId: 'AAMk-1' };
    const job = { key: `k-${randomUUID()}`, kind: 'meetingReminder', payload: {}, dueAt: at };
    const [first, second] = await Promise.all([
      store.meetings.createFromEvent(fromEvent, [], [job]),
      store.meetings.createFromEvent({ ...fromEvent, id: 'e2' }, [], [job]),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const found = await store.meetings.findByExternalEvent(council.id, 'AAMk-1');
    expect(found?.id).toBe(first?.id ?? second?.id);
    await store.meetings.create(bare([meeting(council.id, 'bot', '2026-12-10')]));
    expect(await store.meetings.linkEvent('bot', 'AAMk-2', 'https://teams.example/join')).toBe(true);
    expect(await store.meetings.linkEvent('bot', 'AAMk-3', null)).toBe(false);
    expect(await store.meetings.findById('bot')).toMatchObject({ externalEventId: 'AAMk-2', onlineUrl: 'https://teams.example/join', version: 1 });
    const linked = await store.meetings.linkedBetween(council.id, '2026-12-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z');
    expect(linked.map((m) => m.externalEventId)).toEqual(['AAMk-1', 'AAMk-2']);
    expect(await store.calendarSync.find(council.id)).toBeUndefined();
    const state = { councilId: council.id, mailbox: calendar.mailbox, window: { start: at, end: '2027-12-01T00:00:00.000Z' }, deltaLink: 'https://graph/delta?$deltatoken=1', status: 'ok' as const, detail: null, checkedAt: at, syncedAt: at };
    await store.calendarSync.save(state);
    expect((await store.calendarSync.find(council.id))?.teams).toBeNull();
    await store.calendarSync.save({ ...state, status: 'denied', detail: 'ErrorAccessDenied', teams: 'onlineMeetings' });
    expect(await store.calendarSync.find(council.id)).toEqual({ ...state, status: 'denied', detail: 'ErrorAccessDenied', teams: 'onlineMeetings' });
    const unknownZones = [{ eventId: 'AAMk-9', subject: 'Vårdvalsråd', zone: 'tzone://Microsoft/Custom', startsAt: at, endsAt: at, series: true as const }];
    await store.calendarSync.save({ ...state, unknownZones });
    expect((await store.calendarSync.find(council.id))?.unknownZones).toEqual(unknownZones);
    const current = (await store.councils.findById(council.id))!;
    expect(await store.councils.setCalendar(council.id, null, current.version, at)).toBe(true);
    expect((await store.councils.findById(council.id))?.calendar).toBeNull();
  });

  it('keeps a recurring series as one row with its occurrences, and the planning horizon with the calendar', async () => {
    const council = await newCouncil();
    const calendar = { mailbox: 'radet@region.se', category: 'Vårdvalsråd', subjectRule: null, horizonWeeks: 12 };
    expect(await store.councils.setCalendar(council.id, calendar, council.version, at)).toBe(true);
    expect((await store.councils.findById(council.id))?.calendar).toEqual(calendar);
    const recurrence = {
      pattern: { type: 'weekly' as const, interval: 4, daysOfWeek: ['thursday'], dayOfMonth: null, month: null, index: null },
      range: { type: 'endDate' as const, startDate: '2026-10-08', endDate: '2027-06-30', numberOfOccurrences: null },
    };
    const series = { councilId: council.id, id: 'AAMk-series', subject: 'Vårdvalsråd', place: 'Regionens hus', onlineUrl: null, startsAt: '2026-10-08T11:00:00.000Z', recurrence, toldAt: at, updatedAt: at };
    const occurrence = (eventId: string, startsAt: string) => ({ councilId: council.id, seriesId: series.id, eventId, startsAt, endsAt: startsAt.replace('T11', 'T13'), subject: null, place: null, cancelled: false });
    const many = Array.from({ length: 130 }, (_, i) => occurrence(`AAMk-o${String(i).padStart(3, '0')}`, `2027-${String((i % 12) + 1).padStart(2, '0')}-01T11:00:00.000Z`));
    const job = { key: `k-${randomUUID()}`, kind: 'calendarSeriesNotice', payload: {}, dueAt: at };
    await store.calendarSync.saveSeries(series, many, [job]);
    expect(await store.calendarSync.series(council.id)).toEqual([series]);
    expect(await store.calendarSync.occurrences(council.id, series.id)).toHaveLength(130);
    // A series read again replaces its occurrences; a moved one is saved on its own.
    await store.calendarSync.saveSeries({ ...series, place: 'Stadshuset' }, [occurrence('AAMk-a', '2026-10-08T11:00:00.000Z'), occurrence('AAMk-b', '2026-11-05T11:00:00.000Z')]);
    await store.calendarSync.saveOccurrence({ ...occurrence('AAMk-b', '2026-11-06T09:00:00.000Z'), subject: 'Vårdvalsråd (flyttat)', cancelled: true });
    expect(await store.calendarSync.occurrences(council.id)).toEqual([
      occurrence('AAMk-a', '2026-10-08T11:00:00.000Z'),
      { ...occurrence('AAMk-b', '2026-11-06T09:00:00.000Z'), subject: 'Vårdvalsråd (flyttat)', cancelled: true },
    ]);
    await store.calendarSync.removeOccurrences(council.id, ['AAMk-a']);
    expect((await store.calendarSync.occurrences(council.id)).map((o) => o.eventId)).toEqual(['AAMk-b']);
    await store.calendarSync.removeSeries(council.id, series.id);
    expect(await store.calendarSync.series(council.id)).toEqual([]);
    expect(await store.calendarSync.occurrences(council.id)).toEqual([]);
  });

  it('records a decision once per client key, even when two arrive at once', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'md', '2026-12-03')]));
    const decision = {
      meetingId: 'md',
      agendaItemId: 'i3',
      itemNumber: '3',
      itemTitle: 'Förfrågningsunderlag 2027',
      text: 'Ärendet bordläggs.',
      outcome: 'tabled' as const,
      reason: 'Underlaget saknas',
      vote: { for: 5, against: 2, abstain: 1 },
      recordedBy: '29:chair',
      recordedAt: at,
    };
    const [a, b] = await Promise.all([
      store.decisions.record({ ...decision, id: 'd1' }, 'activity-1'),
      store.decisions.record({ ...decision, id: 'd2' }, 'activity-1'),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.decision.id).toBe(b.decision.id);
    await store.decisions.record({ ...decision, id: 'd3', outcome: 'decided', reason: null, vote: null, recordedAt: '2026-11-23T10:05:00.000Z' }, 'activity-2');
    const all = await store.decisions.forMeeting('md');
    expect(all.map((d) => [d.outcome, d.vote, d.itemTitle])).toEqual([
      ['tabled', { for: 5, against: 2, abstain: 1 }, 'Förfrågningsunderlag 2027'],
      ['decided', null, 'Förfrågningsunderlag 2027'],
    ]);
  });

  it("queues a decision's jobs with it, only for the attempt that records it", async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mj', '2026-12-03')]));
    const decision = { meetingId: 'mj', agendaItemId: null, itemNumber: '1', itemTitle: 'Budget', text: 'Rådet godkänner budgeten.', outcome: 'decided' as const, reason: null, vote: null, recordedBy: '29:chair', recordedAt: at };
    const jobs = (id: string) => [{ key: `decision-card:${id}`, kind: 'decisionCard', payload: { decisionId: id }, dueAt: at }];
    const [a, b] = await Promise.all([
      store.decisions.record({ ...decision, id: 'dj1' }, 'activity-jobs', jobs('dj1')),
      store.decisions.record({ ...decision, id: 'dj2' }, 'activity-jobs', jobs('dj2')),
    ]);
    const recorded = a.created ? a.decision : b.decision;
    const claimed = await store.outbox.claim(at, 30_000, 10);
    expect(claimed.map((j) => [j.key, j.payload])).toEqual([[`decision-card:${recorded.id}`, { decisionId: recorded.id }]]);
  });

  it('queues the jobs of a move between items with the move, and none with a stale one', async () => {
    const council = await newCouncil();
    await store.meetings.create([{ meeting: meeting(council.id, 'mv', '2026-12-03'), agenda: [item('i1', 'Inledning'), item('i2', 'Budget')] }]);
    const job = (n: number) => [{ key: `agenda-card:mv:${n}`, kind: 'agendaCard', payload: { meetingId: 'mv', activityId: String(n) }, dueAt: at }];
    expect(await store.meetings.moveCurrent('mv', { toItemId: 'i1', changes: { status: 'open', openedAt: at } }, 1, at, job(1))).toBeDefined();
    expect(await store.meetings.moveCurrent('mv', { toItemId: 'i2' }, 1, at, job(2))).toBeUndefined();
    expect((await store.outbox.claim(at, 30_000, 10)).map((j) => j.key)).toEqual(['agenda-card:mv:1']);
  });

  it("remembers a decision's card once posted, so a retry posts one only while none is", async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mc', '2026-12-03')]));
    const { decision } = await store.decisions.record(
      { id: 'dc', meetingId: 'mc', agendaItemId: null, itemNumber: '1', itemTitle: 'Budget', text: 'Rådet godkänner budgeten.', outcome: 'decided', reason: null, vote: null, recordedBy: '29:chair', recordedAt: at },
      'activity-card',
    );
    expect(await store.decisions.cardActivity(decision.id)).toBeNull();
    await store.decisions.setCardActivity(decision.id, 'msg-1');
    expect(await store.decisions.cardActivity(decision.id)).toBe('msg-1');
    expect(await store.decisions.cardActivity('no-such-decision')).toBeNull();
  });

  it('edits a decision only at its version, and keeps reservations and protocol notes once', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mr', '2026-12-03')]));
    const base = { meetingId: 'mr', agendaItemId: 'i2', itemNumber: '2', itemTitle: 'Budget', reason: null, vote: null, recordedBy: '29:chair', recordedAt: at };
    await store.decisions.record({ ...base, id: 'dr', text: 'Rådet godkänner budgeten.', outcome: 'decided' }, 'k-dr');
    const edited = await store.decisions.update('dr', { text: 'Rådet återremitterar budgeten.', outcome: 'referredBack', reason: 'Siffrorna saknas', vote: { for: 3, against: 1, abstain: 0 } }, 1);
    expect(edited).toMatchObject({ outcome: 'referredBack', reason: 'Siffrorna saknas', vote: { for: 3, against: 1, abstain: 0 }, version: 2 });
    expect(await store.decisions.update('dr', { text: 'Stale', outcome: 'decided', reason: null, vote: null }, 1)).toBeUndefined();
    expect((await store.decisions.findById('dr'))?.text).toBe('Rådet återremitterar budgeten.');

    const [r1, r2] = await Promise.all([
      store.decisions.addReservation({ decisionId: 'dr', meetingId: 'mr', userId: '29:a', text: 'Jag vill bifalla.', createdAt: at }),
      store.decisions.addReservation({ decisionId: 'dr', meetingId: 'mr', userId: '29:a', text: 'Twice', createdAt: at }),
    ]);
    expect([r1, r2].sort()).toEqual([false, true]);
    await store.decisions.addReservation({ decisionId: 'dr', meetingId: 'mr', userId: '29:b', text: null, createdAt: '2026-11-23T10:01:00.000Z' });
    expect((await store.decisions.reservations('mr')).map((r) => r.userId)).toEqual(['29:a', '29:b']);

    const note = { id: 'pn1', meetingId: 'mr', itemId: 'i2', decisionId: 'dr', userId: '29:b', text: 'Jag noterar att underlaget kom sent.', createdAt: at };
    expect((await store.decisions.addProtocolNote(note, 'pk1')).created).toBe(true);
    expect(await store.decisions.addProtocolNote({ ...note, id: 'pn2' }, 'pk1')).toMatchObject({ created: false, note: { id: 'pn1' } });
    // Undoing a decision takes its reservations with it; a protocol note is the member's and stays.
    await store.decisions.remove('dr');
    expect(await store.decisions.reservations('mr')).toEqual([]);
    expect((await store.decisions.protocolNotes('mr')).map((n) => n.text)).toEqual(['Jag noterar att underlaget kom sent.']);
  });

  it('keeps comments on action items once per client key, and guests per meeting', async () => {
    const council = await newCouncil();
    await store.actionItems.create(
      { id: 'ac', councilId: council.id, meetingId: null, agendaItemId: null, ownerUserId: '29:a', ownerName: 'Anna', text: 'Svara nämnden', dueDate: null, status: 'open', createdBy: '29:chair', createdAt: at, completedAt: null },
      'k-ac',
    );
    const comment = { id: 'cm1', actionItemId: 'ac', userId: '29:a', text: 'Utkast skickat', createdAt: at };
    expect((await store.actionItems.addComment(comment, 'ck1')).created).toBe(true);
    expect((await store.actionItems.addComment({ ...comment, id: 'cm2' }, 'ck1')).created).toBe(false);
    expect((await store.actionItems.comments(['ac', 'none'])).map((c) => c.id)).toEqual(['cm1']);
    expect(await store.actionItems.comments([])).toEqual([]);

    await store.meetings.create(bare([meeting(council.id, 'mg', '2026-12-03')]));
    await store.meetings.addGuest({ id: 'g1', meetingId: 'mg', name: 'Eva Ek', organisation: 'Regionhälsan', addedBy: '29:chair', addedAt: at });
    await store.meetings.addGuest({ id: 'g2', meetingId: 'mg', name: 'Olle', organisation: null, addedBy: '29:chair', addedAt: '2026-11-23T10:02:00.000Z' });
    expect(await store.meetings.removeGuest('mg', 'g2')).toBe(true);
    expect(await store.meetings.removeGuest('mg', 'g2')).toBe(false);
    expect(await store.meetings.guests('mg')).toEqual([{ id: 'g1', meetingId: 'mg', name: 'Eva Ek', organisation: 'Regionhälsan', addedBy: '29:chair', addedAt: at }]);
  });

  it('finds the councils a person belongs to', async () => {
    const a = await newCouncil();
    const b = await newCouncil();
    expect((await store.councils.councilsOf('29:a')).map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.councils.councilsOf('29:nobody')).toEqual([]);
  });

  function newPoll(councilId: string, id: string, anonymous = false) {
    return {
      id, councilId, meetingId: null, agendaItemId: null, question: 'Vem ska leda arbetsgruppen?',
      options: [{ id: 'o1', text: 'Anna' }, { id: 'o2', text: 'Björn' }], maxChoices: 1, anonymous, resultsVisibility: 'live' as const,
      deadline: '2026-11-24T10:00:00.000Z', remindBeforeMinutes: 60, status: 'open' as const, createdBy: '29:chair', createdAt: at, closedAt: null, activityId: null,
    };
  }

  it('keeps polls and ballots, one per voter and changeable, none after closing', async () => {
    const council = await newCouncil();
    const deadline = { key: 'poll-deadline:p1', kind: 'pollDeadline', payload: { pollId: 'p1' }, dueAt: '2026-11-24T10:00:00.000Z' };
    const { created } = await store.polls.create(newPoll(council.id, 'p1'), 'ck-p1', [deadline], at);
    expect(created).toBe(true);
    expect((await store.polls.create(newPoll(council.id, 'p1b'), 'ck-p1', [deadline], at)).poll.id).toBe('p1');
    expect(await store.outbox.pending()).toBe(1);

    const vote = (voterKey: string, choices: string[]) => store.polls.castBallot('p1', { voterKey, choices, voterId: voterKey, votedAt: at });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => vote(`29:u${i}`, ['o1'])));
    expect(results.every((r) => r === 'saved')).toBe(true);
    expect(await vote('29:u1', ['o1'])).toBe('unchanged');
    expect(await vote('29:u1', ['o2'])).toBe('saved');
    expect((await store.polls.ballots('p1')).length).toBe(20);
    expect(await store.polls.ballot('p1', '29:u1')).toEqual({ voterKey: '29:u1', choices: ['o2'], voterId: '29:u1' });

    const closed = await store.polls.close('p1', at, [{ key: 'poll-results:p1', kind: 'pollResults', payload: { pollId: 'p1' }, dueAt: at }]);
    expect(closed).toMatchObject({ status: 'closed', closedAt: at, version: 2 });
    expect(await store.polls.close('p1', at, [])).toBeUndefined();
    expect(await vote('29:late', ['o1'])).toBe('closed');
    expect((await store.polls.ballots('p1')).length).toBe(20);
    expect(await store.polls.open(council.id)).toEqual([]);
  });

  it('delivers outbox jobs once per key, to one claimer at a time, and re-arms coalescing jobs', async () => {
    const job = (key: string, mode?: 'rearm') => ({ key, kind: 'test', payload: { key }, dueAt: at, ...(mode ? { mode } : {}) });
    await store.outbox.enqueue([job('a'), job('a'), job('b'), { ...job('later'), dueAt: '2099-01-01T00:00:00.000Z' }], at);
    const [first, second] = await Promise.all([store.outbox.claim(at, 30_000, 10), store.outbox.claim(at, 30_000, 10)]);
    expect([...first!, ...second!].map((j) => j.key).sort()).toEqual(['a', 'b']);
    expect([...first!, ...second!].map((j) => j.resumed)).toEqual([false, false]);
    expect([...first!, ...second!].map((j) => j.dueAt)).toEqual([at, at]);
    const claimed = [...first!, ...second!];
    await store.outbox.complete(claimed.find((j) => j.key === 'a')!, at);
    await store.outbox.fail(claimed.find((j) => j.key === 'b')!.id, 'connector 503', '2026-11-23T10:00:05.000Z');
    expect(await store.outbox.claim('2026-11-23T10:00:01.000Z', 30_000, 10)).toEqual([]);
    // A failure was recorded: not resumed, only retried.
    expect((await store.outbox.claim('2026-11-23T10:00:06.000Z', 30_000, 10)).map((j) => [j.key, j.attempts, j.resumed])).toEqual([['b', 2, false]]);
    // Its claimer then vanished (neither complete nor fail): once the lease is out, it comes back marked resumed.
    expect((await store.outbox.claim('2026-11-23T10:00:36.000Z', 30_000, 10)).map((j) => [j.key, j.attempts, j.resumed])).toEqual([['b', 3, true]]);
    await store.outbox.enqueue([job('a')], at);
    expect(await store.outbox.claim('2026-11-23T10:00:07.000Z', 30_000, 10)).toEqual([]);
    await store.outbox.enqueue([job('a', 'rearm'), job('a', 'rearm')], at);
    const [rearmed] = await store.outbox.claim('2026-11-23T10:00:08.000Z', 30_000, 10);
    expect(rearmed!.key).toBe('a');
    // Re-armed again while being delivered: completing the old revision leaves it to run once more.
    await store.outbox.enqueue([job('a', 'rearm')], at);
    await store.outbox.complete(rearmed!, '2026-11-23T10:00:09.000Z');
    const [again] = await store.outbox.claim('2026-11-23T10:00:10.000Z', 30_000, 10);
    expect(again!.key).toBe('a');
    await store.outbox.complete(again!, '2026-11-23T10:00:11.000Z');
    expect(await store.outbox.claim('2026-11-23T10:00:12.000Z', 30_000, 10)).toEqual([]);
    expect(await store.outbox.pending()).toBe(2);
  });

  it('parks a job for the admin: claimed no more, listed and counted, queued again or dropped, never re-armed out of it', async () => {
    const job = (key: string, kind = 'pollCard', mode?: 'rearm') => ({ key, kind, payload: { key }, dueAt: at, ...(mode ? { mode } : {}) });
    await store.outbox.enqueue([job('card', 'pollCard', 'rearm'), job('ask', 'nominationAsk'), job('notice', 'calendarNotice'), job('fine')], at);
    const claimed = await store.outbox.claim(at, 30_000, 10);
    const id = (key: string) => claimed.find((j) => j.key === key)!.id;
    await store.outbox.park(id('card'), '403: BotNotInConversationRoster', '2026-11-23T10:00:01.000Z');
    await store.outbox.park(id('ask'), 'RuleError: error.roundClosed', '2026-11-23T10:00:02.000Z');
    await store.outbox.park(id('notice'), 'TypeError: x is undefined', '2026-11-23T10:00:03.000Z');
    await store.outbox.fail(id('fine'), '429: Too many requests', '2026-11-23T10:00:01.000Z');
    const retried = await store.outbox.claim('2026-11-23T11:00:00.000Z', 30_000, 10);
    expect(retried.map((j) => j.key)).toEqual(['fine']);
    expect(await store.outbox.pending()).toBe(1);
    await store.outbox.complete(retried[0]!, '2026-11-23T11:00:00.000Z');
    expect(await store.outbox.pending()).toBe(0);
    expect(await store.outbox.parkedCount()).toEqual({ pollCard: 1, nominationAsk: 1, calendarNotice: 1 });
    expect(await store.outbox.parked()).toEqual([
      { id: id('card'), key: 'card', kind: 'pollCard', attempts: 1, lastError: '403: BotNotInConversationRoster', parkedAt: '2026-11-23T10:00:01.000Z', createdAt: at },
      { id: id('ask'), key: 'ask', kind: 'nominationAsk', attempts: 1, lastError: 'RuleError: error.roundClosed', parkedAt: '2026-11-23T10:00:02.000Z', createdAt: at },
      { id: id('notice'), key: 'notice', kind: 'calendarNotice', attempts: 1, lastError: 'TypeError: x is undefined', parkedAt: '2026-11-23T10:00:03.000Z', createdAt: at },
    ]);

    // New votes re-arm the card's job: it stays parked, with the error that parked it.
    await store.outbox.enqueue([job('card', 'pollCard', 'rearm')], '2026-11-23T11:00:01.000Z');
    expect(await store.outbox.claim('2026-11-23T11:00:02.000Z', 30_000, 10)).toEqual([]);
    expect((await store.outbox.parked()).find((j) => j.key === 'card')!.lastError).toBe('403: BotNotInConversationRoster');

    // Retried by the admin: due at once, attempts from zero.
    expect(await store.outbox.unpark(id('card'), '2026-11-23T12:00:00.000Z')).toBe(true);
    expect(await store.outbox.unpark(id('card'), '2026-11-23T12:00:00.000Z')).toBe(false);
    expect(await store.outbox.unpark(id('fine'), '2026-11-23T12:00:00.000Z')).toBe(false);
    const again = await store.outbox.claim('2026-11-23T12:00:00.000Z', 30_000, 10);
    expect(again.map((j) => [j.key, j.attempts, j.resumed])).toEqual([['card', 1, false]]);
    await store.outbox.complete(again[0]!, '2026-11-23T12:00:00.500Z');

    // Dropped: never delivered, and its key still keeps the same job from being queued again.
    expect(await store.outbox.drop(id('ask'), '2026-11-23T12:00:01.000Z')).toBe(true);
    expect(await store.outbox.drop(id('ask'), '2026-11-23T12:00:01.000Z')).toBe(false);
    expect(await store.outbox.drop('no-such-job', '2026-11-23T12:00:01.000Z')).toBe(false);
    await store.outbox.enqueue([job('ask', 'nominationAsk')], '2026-11-23T12:00:02.000Z');
    expect(await store.outbox.claim('2026-11-23T13:00:00.000Z', 30_000, 10)).toEqual([]);
    expect(await store.outbox.parkedCount()).toEqual({ calendarNotice: 1 });
    expect((await store.outbox.parked()).map((j) => j.key)).toEqual(['notice']);
  });

  it('claims the other jobs beside one whose payload does not parse, marking that one unreadable', async () => {
    await store.outbox.enqueue([{ key: 'good', kind: 'pollCard', payload: { pollId: 'p' }, dueAt: at }, { key: 'bad', kind: 'pollCard', payload: {}, dueAt: at }], at);
    const { db } = openDatabase(opts);
    try {
      await db.updateTable('outbox').set({ payload: '{"pollId":' }).where('key', '=', 'bad').execute();
    } finally {
      await db.destroy();
    }
    const claimed = await store.outbox.claim(at, 30_000, 10);
    expect(claimed.map((j) => [j.key, j.payload, j.unreadable ?? false]).sort()).toEqual([
      ['bad', undefined, true],
      ['good', { pollId: 'p' }, false],
    ]);
  });

  it('discards a job being delivered whose conversation is gone: done, not parked, its key still taken', async () => {
    const job = { key: 'gone', kind: 'test', payload: {}, dueAt: '2026-03-01T00:00:00.000Z' };
    await store.outbox.enqueue([job], at);
    const [claimed] = await store.outbox.claim(at, 30_000, 10);
    await store.outbox.discard(claimed!.id, 'dropped: the bot is no longer in the conversation', at);
    expect(await store.outbox.pending()).toBe(0);
    expect(await store.outbox.parked()).toEqual([]);
    expect(await store.outbox.claim('2026-12-01T00:00:00.000Z', 30_000, 10)).toEqual([]);
    await store.outbox.enqueue([job], at);
    expect(await store.outbox.pending()).toBe(0);
  });

  it('renews the lease of a job still being delivered, not of one completed or failed meanwhile', async () => {
    const job = (key: string) => ({ key, kind: 'test', payload: {}, dueAt: '2026-03-01T00:00:00.000Z' });
    await store.outbox.enqueue([job('slow'), job('failed'), job('done')], '2026-03-01T00:00:00.000Z');
    const claimed = await store.outbox.claim('2026-03-01T00:00:01.000Z', 30_000, 10);
    const id = (key: string) => claimed.find((c) => c.key === key)!.id;
    await store.outbox.fail(id('failed'), 'x', '2026-03-01T00:00:02.000Z');
    await store.outbox.complete(claimed.find((c) => c.key === 'done')!, '2026-03-01T00:00:02.000Z');
    await store.outbox.extendLeases([id('slow'), id('failed'), id('done')], '2026-03-01T00:01:31.000Z');
    await store.outbox.extendLeases([], '2026-03-01T00:01:31.000Z');
    // Past the first lease: the failed job is due again, the slow one is still taken.
    expect((await store.outbox.claim('2026-03-01T00:01:00.000Z', 30_000, 10)).map((j) => [j.key, j.resumed])).toEqual([['failed', false]]);
    expect((await store.outbox.claim('2026-03-01T00:01:32.000Z', 30_000, 10)).map((j) => [j.key, j.resumed])).toEqual([['slow', true], ['failed', true]]);
  });

  it('puts a job back without counting the attempt when it waits for something every job waits for', async () => {
    const at = '2026-05-01T00:00:00.000Z';
    await store.outbox.enqueue([{ key: 'push', kind: 'calendarPush', payload: {}, dueAt: at }], at);
    const [first] = await store.outbox.claim(at, 60_000, 10);
    expect(first!.attempts).toBe(1);
    await store.outbox.postpone(first!.id, 'waiting: Graph refuses the app credentials', '2026-05-01T00:00:30.000Z');
    expect(await store.outbox.claim('2026-05-01T00:00:29.000Z', 60_000, 10)).toEqual([]);
    const [again] = await store.outbox.claim('2026-05-01T00:00:30.000Z', 60_000, 10);
    // Not resumed, not a second attempt: the wait was no failure of the job's own.
    expect([again!.attempts, again!.resumed]).toEqual([1, false]);
  });

  it('frees the leases an earlier, stopped process of the same instance holds, none of a live one or of another instance', async () => {
    const at = '2026-04-01T00:00:00.000Z';
    const job = (key: string) => ({ key, kind: 'test', payload: {}, dueAt: at });
    await store.outbox.enqueue([job('dead'), job('live'), job('other')], at);
    const dead = { instanceId: 'vm-1', startedAt: '2026-03-31T00:00:00.000Z', pid: 41 };
    const live = { instanceId: 'vm-1', startedAt: '2026-03-31T12:00:00.000Z', pid: 42 };
    const other = { instanceId: 'vm-2', startedAt: '2026-03-31T00:00:00.000Z', pid: 41 };
    await store.outbox.claim(at, 60_000, 1, dead);
    await store.outbox.claim(at, 60_000, 1, live);
    await store.outbox.claim(at, 60_000, 1, other);
    const restarted = { instanceId: 'vm-1', startedAt: '2026-04-01T00:00:01.000Z', pid: 43 };
    const asked: number[] = [];
    const freed = await store.outbox.reclaim(restarted, '2026-04-01T00:00:02.000Z', ({ pid }) => (asked.push(pid), pid === 41));
    expect(freed).toBe(1);
    expect(asked.sort()).toEqual([41, 42]);
    // Due again at once, long before the minute's lease would have run out, and known as resumed.
    expect((await store.outbox.claim('2026-04-01T00:00:03.000Z', 60_000, 10, restarted)).map((j) => [j.key, j.resumed])).toEqual([['dead', true]]);
    // The process's own leases are never taken for its predecessor's.
    const askedAgain: number[] = [];
    await store.outbox.reclaim(restarted, '2026-04-01T00:00:04.000Z', ({ pid }) => (askedAgain.push(pid), false));
    expect(askedAgain).toEqual([42]);
  });

  it('clears sent outbox jobs older than a given time, a batch at a time, never unsent ones', async () => {
    const job = (key: string) => ({ key, kind: 'pollCard', payload: {}, dueAt: '2026-01-01T00:00:00.000Z' });
    await store.outbox.enqueue([job('old-1'), job('old-2'), job('old-3'), job('unsent')], '2026-01-01T00:00:00.000Z');
    const claimed = await store.outbox.claim('2026-01-01T00:00:01.000Z', 60_000, 10);
    for (const c of claimed.filter((c) => c.key !== 'unsent')) await store.outbox.complete(c, '2026-01-02T00:00:00.000Z');
    await store.outbox.fail(claimed.find((c) => c.key === 'unsent')!.id, 'x', '2026-01-01T00:00:00.000Z');
    expect(await store.outbox.purgeSent('2026-01-01T12:00:00.000Z', 10)).toBe(0);
    expect(await store.outbox.purgeSent('2026-02-01T00:00:00.000Z', 2)).toBe(2);
    expect(await store.outbox.purgeSent('2026-02-01T00:00:00.000Z', 2)).toBe(1);
    expect(await store.outbox.pending()).toBe(1);
  });

  it('closes an anonymous poll by keeping its counts and deleting its ballots and the reminders naming voters', async () => {
    const council = await newCouncil();
    await store.polls.create(newPoll(council.id, 'anon', true), 'ck-anon', [], at);
    await store.polls.create(newPoll(council.id, 'open-named'), 'ck-open-named', [], at);
    for (const [i, choice] of ['o1', 'o2', 'o1'].entries()) {
      await store.polls.castBallot('anon', { voterKey: `hmac-${i}`, choices: [choice], voterId: null, votedAt: null });
    }
    await store.polls.castBallot('open-named', { voterKey: '29:b', choices: ['o1'], voterId: '29:b', votedAt: at });
    await store.outbox.enqueue(
      [
        { key: 'poll-remind:anon:auto', kind: 'pollReminder', payload: { pollId: 'anon', round: 'auto' }, dueAt: at },
        { key: 'poll-remind:anon:auto:hashed-1', kind: 'pollReminderTo', payload: { pollId: 'anon', userId: '29:c', round: 'auto' }, dueAt: at },
        { key: 'poll-remind:open-named:auto:hashed-2', kind: 'pollReminderTo', payload: { pollId: 'open-named', userId: '29:d', round: 'auto' }, dueAt: at },
      ],
      at,
    );
    const closed = await store.polls.close('anon', at, []);
    expect(closed).toMatchObject({ status: 'closed', counted: { voters: 3, votes: { o1: 2, o2: 1 } } });
    expect(await store.polls.findById('anon')).toMatchObject({ counted: { voters: 3, votes: { o1: 2, o2: 1 } } });
    expect(await store.polls.ballots('anon')).toEqual([]);
    // Another poll's ballots and reminders are untouched.
    expect(await store.polls.ballots('open-named')).toHaveLength(1);
    expect((await store.polls.findById('open-named'))!.counted).toBeNull();
    const { db } = openDatabase(opts);
    try {
      const keys = (await db.selectFrom('outbox').select('key').execute()).map((r) => r.key).sort();
      expect(keys).toEqual(['poll-remind:anon:auto', 'poll-remind:open-named:auto:hashed-2']);
      await store.polls.redactReminder('poll-remind:open-named:auto:hashed-2');
      const row = await db.selectFrom('outbox').select('payload').where('key', '=', 'poll-remind:open-named:auto:hashed-2').executeTakeFirstOrThrow();
      expect(row.payload).toBe('{}');
    } finally {
      await db.destroy();
    }
    // Outside any transaction, as VACUUM needs on PostgreSQL.
    await store.polls.scrubDeleted();
  });

  it('on upgrade, replaces the ballots of anonymous polls closed before by their counts, and keeps open ones', async () => {
    const { db, dialect } = openDatabase(await options());
    try {
      await new Migrator({ db, provider: migrationProvider }).migrateTo('0014_minutes_export');
      const old = createStore(db, dialect);
      const council = (await old.councils.create(
        { id: 'c-old', conversationId: '19:old', tenantId: 't1', name: 'Råd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at },
        [member('29:chair', 'Åsa Chair', 'chair')],
      ))!;
      const poll = (id: string, status: string, anonymous: number) => ({
        id, council_id: council.id, meeting_id: null, agenda_item_id: null, question: 'Vem?', options: '[{"id":"o1","text":"A"},{"id":"o2","text":"B"}]',
        max_choices: 1, anonymous, results_visibility: 'live', deadline: null, remind_before_minutes: null, status, created_by: '29:chair',
        created_at: at, closed_at: status === 'closed' ? at : null, activity_id: null, client_key: `ck-${id}`, version: 1,
      });
      await db.insertInto('polls').values([poll('closed-anon', 'closed', 1), poll('open-anon', 'open', 1), poll('closed-named', 'closed', 0)] as never).execute();
      const ballot = (pollId: string, key: string, choice: string) => ({ poll_id: pollId, voter_key: key, choices: `["${choice}"]`, voter_id: null, voted_at: null });
      await db.insertInto('poll_ballots').values([
        ballot('closed-anon', 'h1', 'o1'), ballot('closed-anon', 'h2', 'o2'), ballot('closed-anon', 'h3', 'o1'),
        ballot('open-anon', 'h4', 'o2'), ballot('closed-named', '29:chair', 'o1'),
      ]).execute();

      await migrate(db);
      const store = createStore(db, dialect);
      expect(await store.polls.findById('closed-anon')).toMatchObject({ counted: { voters: 3, votes: { o1: 2, o2: 1 } } });
      expect(await store.polls.ballots('closed-anon')).toEqual([]);
      expect(await store.polls.ballots('open-anon')).toHaveLength(1);
      expect((await store.polls.findById('closed-named'))!.counted).toBeNull();
      expect(await store.polls.ballots('closed-named')).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  });

  it('gives the claim on a poll’s card to exactly one caller, again once the claim runs out, never once posted', async () => {
    const council = await newCouncil();
    const later = (ms: number) => new Date(Date.parse(at) + ms).toISOString();
    await store.polls.create(newPoll(council.id, 'card'), 'ck-card', [], later(30_000));
    // The creator holds the claim: nobody else may post before it runs out.
    expect(await store.polls.claimCard('card', later(1_000), later(31_000))).toBe(false);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.polls.claimCard('card', later(30_000), later(60_000))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.polls.releaseCard('card');
    expect(await store.polls.claimCard('card', later(30_001), later(60_001))).toBe(true);
    await store.polls.setActivity('card', 'activity-1');
    expect(await store.polls.claimCard('card', later(120_000), later(150_000))).toBe(false);
  });

  it('exports everything about one council for the admin, never an anonymous ballot, nothing of another council', async () => {
    const council = await newCouncil();
    const other = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'x1', '2026-12-03'), meeting(other.id, 'x2', '2026-12-04')]));
    await store.polls.create(newPoll(council.id, 'named'), 'ck-named', [], at);
    await store.polls.create(newPoll(council.id, 'secret', true), 'ck-secret', [], at);
    await store.polls.castBallot('named', { voterKey: '29:b', choices: ['o1'], voterId: '29:b', votedAt: at });
    await store.polls.castBallot('secret', { voterKey: 'hmac-of-29:a', choices: ['o2'], voterId: null, votedAt: at });
    const { db } = openDatabase(opts);
    try {
      const exported = (await exportCouncil(db, council.id, at))!;
      expect(exported.council).toMatchObject({ id: council.id, name: 'Vårdvalsråd fysioterapi' });
      expect(exported.tables.meetings!.map((m) => m.id)).toEqual(['x1']);
      expect(exported.tables.council_members).toHaveLength(3);
      expect(exported.tables.polls!.map((p) => p.id).sort()).toEqual(['named', 'secret']);
      expect(exported.tables.poll_ballots).toEqual([{ poll_id: 'named', voter_id: '29:b', choices: '["o1"]', voted_at: at }]);
      expect(JSON.stringify(exported)).not.toContain('hmac-of-29:a');
      expect(await exportCouncil(db, 'no-such-council', at)).toBeUndefined();
    } finally {
      await db.destroy();
    }
  });

  it('deletes meetings past the retention period with what was recorded at them, never a planned one', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([
      meeting(council.id, 'old', '2019-03-01', { status: 'closed' }),
      meeting(council.id, 'old-planned', '2019-04-01'),
      meeting(council.id, 'recent', '2026-03-01', { status: 'closed' }),
    ]));
    await store.decisions.record({ id: 'd-old', meetingId: 'old', agendaItemId: null, itemNumber: '1', itemTitle: 'Budget', text: 'Beslut', outcome: 'decided', reason: null, vote: null, recordedBy: '29:chair', recordedAt: at }, 'ck-d-old');
    await store.polls.create({ ...newPoll(council.id, 'p-old'), meetingId: 'old' }, 'ck-p-old', [], at);
    await store.polls.castBallot('p-old', { voterKey: '29:b', choices: ['o1'], voterId: '29:b', votedAt: at });
    await store.actionItems.create({ id: 'a-old', councilId: council.id, meetingId: 'old', agendaItemId: null, ownerUserId: '29:b', ownerName: 'Björn', text: 'Underlag', dueDate: null, status: 'done', createdBy: '29:chair', createdAt: at, completedAt: at }, 'ck-a-old');
    await store.justering.setAdjusters('old', ['29:b'], at);

    expect(await store.purgeMeetingsBefore('2020-01-01T00:00:00.000Z', 10)).toBe(1);
    expect(await store.meetings.findById('old')).toBeUndefined();
    expect(await store.meetings.findById('old-planned')).toBeDefined();
    expect(await store.meetings.findById('recent')).toBeDefined();
    expect(await store.decisions.findById('d-old')).toBeUndefined();
    expect(await store.polls.findById('p-old')).toBeUndefined();
    expect(await store.actionItems.findById('a-old')).toBeUndefined();
    expect(await store.justering.find('old')).toBeUndefined();
    expect(await store.purgeMeetingsBefore('2020-01-01T00:00:00.000Z', 10)).toBe(0);
  });

  it('keeps nomination rounds: a person nominated once, answers only while open, closing at a version', async () => {
    const council = await newCouncil();
    const round = {
      id: 'r1', councilId: council.id, meetingId: null, agendaItemId: null, name: 'Arbetsgruppen för vårdval', purpose: 'Ta fram förslag', seats: 2,
      deadline: null, selfNomination: true, criteria: null, status: 'open' as const, createdBy: '29:chair', createdAt: at, closedAt: null, pollId: null, activityId: null,
    };
    expect((await store.nominations.createRound(round, 'rk1')).created).toBe(true);
    expect((await store.nominations.createRound({ ...round, id: 'r1b' }, 'rk1')).round.id).toBe('r1');
    const base = { roundId: 'r1', nomineeEmail: null, nominatedBy: '29:b', motivation: 'Erfaren', consent: 'pending' as const, selected: false, createdAt: at, answeredAt: null };
    const [x, y] = await Promise.all([
      store.nominations.nominate({ ...base, id: 'n1', nomineeUserId: '29:a', nomineeName: 'Anna' }, [{ key: 'ask:n1', kind: 'test', payload: {}, dueAt: at }]),
      store.nominations.nominate({ ...base, id: 'n2', nomineeUserId: '29:a', nomineeName: 'Anna' }, [{ key: 'ask:n2', kind: 'test', payload: {}, dueAt: at }]),
    ]);
    expect([x.created, y.created].sort()).toEqual([false, true]);
    expect(x.nomination.id).toBe(y.nomination.id);
    expect(await store.outbox.pending()).toBe(1);
    await store.nominations.nominate({ ...base, id: 'n3', nomineeUserId: null, nomineeName: 'Eva Extern', nomineeEmail: 'eva@example.org', consent: 'external' }, []);
    await store.nominations.nominate({ ...base, id: 'n4', nomineeUserId: null, nomineeName: 'Olle Extern', nomineeEmail: 'olle@example.org', consent: 'external' }, []);
    const annaId = x.nomination.id;
    expect(await store.nominations.answer(annaId, 'accepted', at, [])).toMatchObject({ consent: 'accepted', answeredAt: at });
    expect(await store.nominations.close('r1', { selectedIds: [annaId, 'n3'], pollId: null }, 2, at, [])).toBeUndefined();
    expect(await store.nominations.close('r1', { selectedIds: [annaId, 'n3'], pollId: null }, 1, at, [])).toMatchObject({ status: 'closed', version: 2 });
    expect(await store.nominations.answer(annaId, 'declined', at, [])).toBeUndefined();
    expect((await store.nominations.nominations('r1')).map((n) => [n.nomineeName, n.consent, n.selected])).toEqual([
      ['Anna', 'accepted', true],
      ['Eva Extern', 'external', true],
      ['Olle Extern', 'external', false],
    ]);
  });

  it('keeps a council quorum rule, majority by default', async () => {
    const council = await newCouncil();
    expect(council.quorumRule).toEqual({ kind: 'majority' });
    expect(await store.councils.setQuorumRule(council.id, { kind: 'minimum', count: 4 }, council.version, at)).toBe(true);
    expect((await store.councils.findById(council.id))?.quorumRule).toEqual({ kind: 'minimum', count: 4 });
    expect(await store.councils.setQuorumRule(council.id, { kind: 'off' }, council.version, at)).toBe(false);
    const now = (await store.councils.findById(council.id))!;
    expect(await store.councils.setQuorumRule(council.id, { kind: 'off' }, now.version, at)).toBe(true);
    expect((await store.councils.findById(council.id))?.quorumRule).toEqual({ kind: 'off' });
  });

  it('keeps action items once per client key, lists open ones by due date and closes them at a version', async () => {
    const council = await newCouncil();
    const base = {
      councilId: council.id,
      meetingId: null,
      agendaItemId: null,
      ownerUserId: '29:a',
      ownerName: 'Anna',
      text: 'Kommunicera beslutet',
      status: 'open' as const,
      createdBy: '29:chair',
      createdAt: at,
      completedAt: null,
    };
    const first = await store.actionItems.create({ ...base, id: 'a1', dueDate: '2027-04-15' }, 'k1');
    expect(first.created).toBe(true);
    expect((await store.actionItems.create({ ...base, id: 'a1b', dueDate: '2027-04-15' }, 'k1')).created).toBe(false);
    await store.actionItems.create({ ...base, id: 'a2', dueDate: null }, 'k2');
    await store.actionItems.create({ ...base, id: 'a3', dueDate: '2027-01-10', ownerUserId: '29:b', ownerName: 'Björn' }, 'k3');
    expect((await store.actionItems.open(council.id)).map((i) => i.id)).toEqual(['a3', 'a1', 'a2']);
    expect((await store.actionItems.forOwner(council.id, '29:a', 'open')).map((i) => i.id)).toEqual(['a1', 'a2']);
    const done = await store.actionItems.setStatus('a1', 'done', 1, at);
    expect(done).toMatchObject({ status: 'done', completedAt: at, version: 2 });
    expect(await store.actionItems.setStatus('a1', 'open', 1, at)).toBeUndefined();
    expect((await store.actionItems.open(council.id)).map((i) => i.id)).toEqual(['a3', 'a2']);
  });

  it('marks attendance per person, later marks replacing earlier ones', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mn', '2026-12-03')]));
    await store.attendance.mark('mn', [{ userId: '29:a', status: 'regrets' }, { userId: '29:b', status: 'absent' }], '29:chair', at);
    await store.attendance.mark('mn', [{ userId: '29:b', status: 'present' }, { userId: 'guest:1', status: 'guest' }], '29:chair', at);
    expect(await store.attendance.forMeeting('mn')).toEqual([
      { userId: '29:a', status: 'regrets', source: 'chair', reason: null, reasonAt: null },
      { userId: '29:b', status: 'present', source: 'chair', reason: null, reasonAt: null },
      { userId: 'guest:1', status: 'guest', source: 'chair', reason: null, reasonAt: null },
    ]);
  });

  it('keeps where a status came from, and writes an act only as the entry in the store allows', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'ma', '2026-12-03')]));
    await store.attendance.mark('ma', [{ userId: '29:a', status: 'unconfirmed', source: 'opening' }, { userId: '29:b', status: 'absent', source: 'chair' }], '29:chair', at);
    const act = (existing: { status: string; source?: string } | undefined) =>
      existing?.source === 'chair' ? undefined : { userId: '', status: 'present' as const, source: 'acted' as const, reason: 'voted' as const, reasonAt: at };
    expect(await store.attendance.markActed('ma', '29:a', (e) => act(e) && { ...act(e)!, userId: '29:a' }, at)).toBe(true);
    expect(await store.attendance.markActed('ma', '29:b', (e) => act(e) && { ...act(e)!, userId: '29:b' }, at)).toBe(false);
    expect(await store.attendance.markActed('ma', '29:c', (e) => act(e) && { ...act(e)!, userId: '29:c' }, at)).toBe(true);
    expect(await store.attendance.forMeeting('ma')).toEqual([
      { userId: '29:a', status: 'present', source: 'acted', reason: 'voted', reasonAt: at },
      { userId: '29:b', status: 'absent', source: 'chair', reason: null, reasonAt: null },
      { userId: '29:c', status: 'present', source: 'acted', reason: 'voted', reasonAt: at },
    ]);
  });

  it('closes a meeting with what closing records in one step, or not at all when stale', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mc', '2026-12-03')]));
    await store.meetings.moveCurrent('mc', { toItemId: 'i1', changes: { status: 'open', openedAt: at } }, 1, at);
    const records = (who: string) => ({
      decisions: [
        {
          decision: { id: `d-${who}`, meetingId: 'mc', agendaItemId: 'i2', itemNumber: '2', itemTitle: 'Hälsoval', text: 'Bordläggs.', outcome: 'tabled' as const, reason: 'Hanns inte med.', recordedBy: who, recordedAt: at },
          clientKey: 'close:mc:i2',
        },
      ],
      notes: [{ note: { id: `n-${who}`, meetingId: 'mc', itemId: 'i3', text: 'Ströks.', writtenBy: who, writtenAt: at }, clientKey: 'close:mc:i3' }],
    });
    const job = { key: 'closed:mc', kind: 'meetingClosed', payload: { meetingId: 'mc' }, dueAt: at };
    const closed = await store.meetings.close('mc', 2, at, records('29:a'), [job]);
    expect(closed).toMatchObject({ status: 'closed', closedAt: at, currentItemId: null });
    expect(await store.meetings.close('mc', 2, at, records('29:b'), [])).toBeUndefined();
    expect((await store.decisions.forMeeting('mc')).map((d) => d.id)).toEqual(['d-29:a']);
    expect((await store.meetings.notes('mc')).map((n) => n.id)).toEqual(['n-29:a']);
    expect((await store.meetings.itemTimes('mc'))[0]).toMatchObject({ itemId: 'i1', endedAt: at });
  });

  it('keeps the running state of a meeting', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mo', '2026-12-03')]));
    const opened = await store.meetings.update('mo', { status: 'open', openedAt: at, currentItemId: 'i1' }, 1, at);
    expect(opened).toMatchObject({ status: 'open', openedAt: at, currentItemId: 'i1', closedAt: null });
  });

  it('moves a running meeting from item to item, keeping actual times', async () => {
    const council = await newCouncil();
    await store.meetings.create(bare([meeting(council.id, 'mt', '2026-12-03')]));
    const t = (m: number) => `2026-12-03T12:${String(m).padStart(2, '0')}:00.000Z`;
    const opened = await store.meetings.moveCurrent('mt', { toItemId: 'i1', changes: { status: 'open', openedAt: t(0) } }, 1, t(0));
    expect(opened).toMatchObject({ status: 'open', currentItemId: 'i1', version: 2 });
    await store.meetings.moveCurrent('mt', { toItemId: 'i2' }, 2, t(10));
    expect(await store.meetings.moveCurrent('mt', { toItemId: 'i3' }, 2, t(11))).toBeUndefined();
    await store.meetings.moveCurrent('mt', { toItemId: 'i1' }, 3, t(20));
    const closed = await store.meetings.moveCurrent('mt', { toItemId: null, changes: { status: 'closed', closedAt: t(30) } }, 4, t(30));
    expect(closed).toMatchObject({ status: 'closed', currentItemId: null, closedAt: t(30) });
    const times = (await store.meetings.itemTimes('mt')).sort((a, b) => a.itemId.localeCompare(b.itemId));
    expect(times).toEqual([
      { itemId: 'i1', startedAt: t(0), endedAt: t(30) },
      { itemId: 'i2', startedAt: t(10), endedAt: t(20) },
    ]);
  });

  it('keeps everything across a close and reopen', async () => {
    const council = await newCouncil('19:persist');
    await store.state.write([{ key: 'p', data: { kept: true } }], at);
    await store.close();
    store = await openStore(opts);
    expect(await store.councils.findByConversation('19:persist')).toEqual(council);
    expect((await store.state.read(['p'])).get('p')!.data).toEqual({ kept: true });
  });
});
