import type { Kysely, Transaction } from 'kysely';
import type { ClosingRecords, ItemNote, ItemTime, MeetingChanges, MeetingGuest, MeetingRepository, NewMeeting, OutboxJob, Regret } from '../app/ports.js';
import { insertJobs } from './outbox-repository.js';
import { AGENDA_ITEM_KINDS, type AgendaItemDraft, type AgendaItemKind } from '../domain/agenda.js';
import type { Meeting, MeetingStatus } from '../domain/meeting.js';
import type { AgendaItemsTable, Database, MeetingsTable } from './schema.js';

function toMeeting(row: MeetingsTable): Meeting {
  return {
    id: row.id,
    councilId: row.council_id,
    title: row.title,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    place: row.place,
    online: Number(row.online) === 1,
    onlineUrl: row.online_url,
    status: row.status as MeetingStatus,
    externalEventId: row.external_event_id,
    agendaCardActivityId: row.agenda_card_activity_id,
    currentItemId: row.current_item_id ?? null,
    openedAt: row.opened_at ?? null,
    closedAt: row.closed_at ?? null,
    attendanceCardActivityId: row.attendance_card_activity_id ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

function changeColumns(changes: MeetingChanges): Partial<MeetingsTable> {
  const columns: Partial<MeetingsTable> = {};
  if (changes.title !== undefined) columns.title = changes.title;
  if (changes.startsAt !== undefined) columns.starts_at = changes.startsAt;
  if (changes.endsAt !== undefined) columns.ends_at = changes.endsAt;
  if (changes.place !== undefined) columns.place = changes.place;
  if (changes.online !== undefined) columns.online = changes.online ? 1 : 0;
  if (changes.onlineUrl !== undefined) columns.online_url = changes.onlineUrl;
  if (changes.status !== undefined) columns.status = changes.status;
  if (changes.externalEventId !== undefined) columns.external_event_id = changes.externalEventId;
  if (changes.agendaCardActivityId !== undefined) columns.agenda_card_activity_id = changes.agendaCardActivityId;
  if (changes.currentItemId !== undefined) columns.current_item_id = changes.currentItemId;
  if (changes.openedAt !== undefined) columns.opened_at = changes.openedAt;
  if (changes.closedAt !== undefined) columns.closed_at = changes.closedAt;
  return columns;
}

function itemRow(meetingId: string, item: AgendaItemDraft, position: number): AgendaItemsTable {
  return {
    id: item.id,
    meeting_id: meetingId,
    position,
    level: item.level,
    title: item.title,
    kind: item.kind,
    duration_minutes: item.durationMinutes ?? null,
    fixed_start: item.fixedStart ?? null,
    presenters: JSON.stringify(item.presenters),
    description: item.description ?? null,
    links: JSON.stringify(item.links),
    standing: item.standing ?? null,
    carried_from: item.carriedFrom ?? null,
    label: item.label ?? null,
  };
}

function toItem(row: AgendaItemsTable): AgendaItemDraft {
  const kind = (AGENDA_ITEM_KINDS as readonly string[]).includes(row.kind) ? (row.kind as AgendaItemKind) : 'information';
  return {
    id: row.id,
    title: row.title,
    kind,
    level: Number(row.level) === 1 ? 1 : 0,
    ...(row.duration_minutes !== null ? { durationMinutes: Number(row.duration_minutes) } : {}),
    ...(row.fixed_start ? { fixedStart: row.fixed_start } : {}),
    presenters: JSON.parse(row.presenters) as string[],
    ...(row.description ? { description: row.description } : {}),
    links: JSON.parse(row.links) as AgendaItemDraft['links'],
    ...(row.standing ? { standing: row.standing as AgendaItemDraft['standing'] } : {}),
    ...(row.carried_from ? { carriedFrom: row.carried_from } : {}),
    ...(row.label ? { label: row.label } : {}),
  };
}

function toNote(row: { id: string; meeting_id: string; item_id: string; text: string; written_by: string; written_at: string }): ItemNote {
  return { id: row.id, meetingId: row.meeting_id, itemId: row.item_id, text: row.text, writtenBy: row.written_by, writtenAt: row.written_at };
}

/** The move of moveCurrent inside a transaction: false when the meeting is not at `expectedVersion`. */
async function moveIn(
  trx: Transaction<Database>,
  meetingId: string,
  move: { toItemId: string | null; changes?: MeetingChanges },
  expectedVersion: number,
  at: string,
  jobs: readonly OutboxJob[],
): Promise<boolean> {
  const before = await trx.selectFrom('meetings').select('current_item_id').where('id', '=', meetingId).executeTakeFirst();
  const bumped = await trx
    .updateTable('meetings')
    .set((eb) => ({
      ...changeColumns(move.changes ?? {}),
      current_item_id: move.toItemId,
      updated_at: at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', meetingId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) !== 1) return false;
  await insertJobs(trx, jobs, at);
  const left = before?.current_item_id;
  if (left && left !== move.toItemId) {
    await trx.updateTable('item_times').set({ ended_at: at }).where('meeting_id', '=', meetingId).where('item_id', '=', left).execute();
  }
  if (move.toItemId) {
    // Coming back to an item keeps its first start and reopens it.
    await trx
      .insertInto('item_times')
      .values({ meeting_id: meetingId, item_id: move.toItemId, started_at: at, ended_at: null })
      .onConflict((oc) => oc.columns(['meeting_id', 'item_id']).doUpdateSet({ ended_at: null }))
      .execute();
  }
  return true;
}

export class KyselyMeetingRepository implements MeetingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createFromEvent(meeting: NewMeeting, agenda: readonly AgendaItemDraft[], jobs: readonly OutboxJob[]): Promise<Meeting | undefined> {
    const row: MeetingsTable = {
      id: meeting.id,
      council_id: meeting.councilId,
      title: meeting.title,
      starts_at: meeting.startsAt,
      ends_at: meeting.endsAt,
      place: meeting.place,
      online: meeting.online ? 1 : 0,
      online_url: meeting.onlineUrl,
      status: meeting.status,
      external_event_id: meeting.externalEventId,
      agenda_card_activity_id: null,
      created_by: meeting.createdBy,
      created_at: meeting.createdAt,
      updated_at: meeting.createdAt,
      version: 1,
      current_item_id: null,
      opened_at: null,
      closed_at: null,
    };
    const created = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('meetings')
        .values(row)
        .onConflict((oc) => oc.columns(['council_id', 'external_event_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!result) return false;
      if (agenda.length > 0) await trx.insertInto('agenda_items').values(agenda.map((item, i) => itemRow(meeting.id, item, i))).execute();
      await insertJobs(trx, jobs, meeting.createdAt);
      return true;
    });
    return created ? toMeeting(row) : undefined;
  }

  async linkEvent(meetingId: string, eventId: string, onlineUrl: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('meetings')
      .set({ external_event_id: eventId, online_url: onlineUrl })
      .where('id', '=', meetingId)
      .where((eb) => eb.or([eb('external_event_id', 'is', null), eb('external_event_id', '=', eventId)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findByExternalEvent(councilId: string, eventId: string): Promise<Meeting | undefined> {
    const row = await this.db.selectFrom('meetings').selectAll().where('council_id', '=', councilId).where('external_event_id', '=', eventId).executeTakeFirst();
    return row && toMeeting(row);
  }

  async linkedBetween(councilId: string, fromIso: string, toIso: string): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('external_event_id', 'is not', null)
      .where('starts_at', '>=', fromIso)
      .where('starts_at', '<', toIso)
      .orderBy('starts_at')
      .execute();
    return rows.map(toMeeting);
  }

  async create(entries: readonly { meeting: NewMeeting; agenda: readonly AgendaItemDraft[] }[], jobs: readonly OutboxJob[] = []): Promise<Meeting[]> {
    if (entries.length === 0) return [];
    const rows: MeetingsTable[] = entries.map(({ meeting: m }) => ({
      id: m.id,
      council_id: m.councilId,
      title: m.title,
      starts_at: m.startsAt,
      ends_at: m.endsAt,
      place: m.place,
      online: m.online ? 1 : 0,
      online_url: m.onlineUrl,
      status: m.status,
      external_event_id: m.externalEventId,
      agenda_card_activity_id: m.agendaCardActivityId,
      created_by: m.createdBy,
      created_at: m.createdAt,
      updated_at: m.createdAt,
      version: 1,
      current_item_id: null,
      opened_at: null,
      closed_at: null,
    }));
    const items = entries.flatMap(({ meeting, agenda }) => agenda.map((item, i) => itemRow(meeting.id, item, i)));
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('meetings').values(rows).execute();
      if (items.length > 0) await trx.insertInto('agenda_items').values(items).execute();
      await insertJobs(trx, jobs, rows[0]!.created_at);
    });
    return rows.map(toMeeting);
  }

  async agenda(meetingId: string): Promise<AgendaItemDraft[]> {
    const rows = await this.db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', meetingId).orderBy('position').execute();
    return rows.map(toItem);
  }

  async saveAgenda(meetingId: string, items: readonly AgendaItemDraft[], expectedVersion: number, at: string, jobs: readonly OutboxJob[] = []): Promise<Meeting | undefined> {
    const saved = await this.db.transaction().execute(async (trx) => {
      const bumped = await trx
        .updateTable('meetings')
        .set((eb) => ({ updated_at: at, version: eb('version', '+', 1) }))
        .where('id', '=', meetingId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(bumped.numUpdatedRows) !== 1) return false;
      await trx.deleteFrom('agenda_items').where('meeting_id', '=', meetingId).execute();
      // Inserted in slices: 300 items × 12 columns would pass SQLite's bound-parameter limit.
      const rows = items.map((item, i) => itemRow(meetingId, item, i));
      for (let i = 0; i < rows.length; i += 50) {
        await trx.insertInto('agenda_items').values(rows.slice(i, i + 50)).execute();
      }
      await insertJobs(trx, jobs, at);
      return true;
    });
    return saved ? this.findById(meetingId) : undefined;
  }

  async moveCurrent(
    meetingId: string,
    move: { toItemId: string | null; changes?: MeetingChanges },
    expectedVersion: number,
    at: string,
    jobs: readonly OutboxJob[] = [],
  ): Promise<Meeting | undefined> {
    const moved = await this.db.transaction().execute((trx) => moveIn(trx, meetingId, move, expectedVersion, at, jobs));
    return moved ? this.findById(meetingId) : undefined;
  }

  async close(meetingId: string, expectedVersion: number, at: string, records: ClosingRecords, jobs: readonly OutboxJob[] = []): Promise<Meeting | undefined> {
    const closed = await this.db.transaction().execute(async (trx) => {
      const move = { toItemId: null, changes: { status: 'closed' as const, closedAt: at } };
      if (!(await moveIn(trx, meetingId, move, expectedVersion, at, jobs))) return false;
      for (const { decision: d, clientKey } of records.decisions) {
        await trx
          .insertInto('decisions')
          .values({
            id: d.id,
            meeting_id: d.meetingId,
            agenda_item_id: d.agendaItemId,
            item_number: d.itemNumber,
            item_title: d.itemTitle,
            text: d.text,
            outcome: d.outcome,
            reason: d.reason,
            vote_for: null,
            vote_against: null,
            vote_abstain: null,
            recorded_by: d.recordedBy,
            recorded_at: d.recordedAt,
            client_key: clientKey,
            version: 1,
          })
          .onConflict((oc) => oc.column('client_key').doNothing())
          .execute();
      }
      for (const { note, clientKey } of records.notes) {
        await trx
          .insertInto('item_notes')
          .values({ id: note.id, meeting_id: note.meetingId, item_id: note.itemId, text: note.text, written_by: note.writtenBy, written_at: note.writtenAt, client_key: clientKey })
          .onConflict((oc) => oc.column('client_key').doNothing())
          .execute();
      }
      return true;
    });
    return closed ? this.findById(meetingId) : undefined;
  }

  async itemTimes(meetingId: string): Promise<ItemTime[]> {
    const rows = await this.db.selectFrom('item_times').selectAll().where('meeting_id', '=', meetingId).execute();
    return rows.map((r) => ({ itemId: r.item_id, startedAt: r.started_at, endedAt: r.ended_at }));
  }

  async addNote(note: ItemNote, clientKey: string): Promise<{ note: ItemNote; created: boolean }> {
    const inserted = await this.db
      .insertInto('item_notes')
      .values({
        id: note.id,
        meeting_id: note.meetingId,
        item_id: note.itemId,
        text: note.text,
        written_by: note.writtenBy,
        written_at: note.writtenAt,
        client_key: clientKey,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('item_notes').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { note: toNote(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async notes(meetingId: string): Promise<ItemNote[]> {
    const rows = await this.db.selectFrom('item_notes').selectAll().where('meeting_id', '=', meetingId).orderBy('written_at').orderBy('id').execute();
    return rows.map(toNote);
  }

  async setAttendanceCard(meetingId: string, activityId: string): Promise<void> {
    await this.db.updateTable('meetings').set({ attendance_card_activity_id: activityId }).where('id', '=', meetingId).execute();
  }

  async setAgendaCard(meetingId: string, activityId: string): Promise<void> {
    await this.db.updateTable('meetings').set({ agenda_card_activity_id: activityId }).where('id', '=', meetingId).execute();
  }

  async saveRegret(regret: Regret): Promise<void> {
    const row = { meeting_id: regret.meetingId, user_id: regret.userId, note: regret.note, created_at: regret.createdAt };
    await this.db
      .insertInto('regrets')
      .values(row)
      .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doUpdateSet({ note: row.note, created_at: row.created_at }))
      .execute();
  }

  async withdrawRegret(meetingId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('regrets').where('meeting_id', '=', meetingId).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async regrets(meetingId: string): Promise<Regret[]> {
    const rows = await this.db.selectFrom('regrets').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').execute();
    return rows.map((r) => ({ meetingId: r.meeting_id, userId: r.user_id, note: r.note, createdAt: r.created_at }));
  }

  async addGuest(guest: MeetingGuest): Promise<void> {
    await this.db
      .insertInto('meeting_guests')
      .values({ id: guest.id, meeting_id: guest.meetingId, name: guest.name, organisation: guest.organisation, added_by: guest.addedBy, added_at: guest.addedAt })
      .execute();
  }

  async removeGuest(meetingId: string, guestId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('meeting_guests').where('meeting_id', '=', meetingId).where('id', '=', guestId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async guests(meetingId: string): Promise<MeetingGuest[]> {
    const rows = await this.db.selectFrom('meeting_guests').selectAll().where('meeting_id', '=', meetingId).orderBy('added_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, meetingId: r.meeting_id, name: r.name, organisation: r.organisation, addedBy: r.added_by, addedAt: r.added_at }));
  }

  async findById(id: string): Promise<Meeting | undefined> {
    const row = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMeeting(row);
  }

  async latestHeld(councilId: string): Promise<Meeting | undefined> {
    const row = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('status', 'in', ['closed', 'approved'])
      .orderBy('starts_at', 'desc')
      .executeTakeFirst();
    return row && toMeeting(row);
  }

  async findOpen(councilId: string): Promise<Meeting | undefined> {
    const row = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('status', '=', 'open')
      .orderBy('starts_at')
      .executeTakeFirst();
    return row && toMeeting(row);
  }

  async upcoming(councilId: string, fromIso: string, limit: number): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('ends_at', '>=', fromIso)
      .where('status', 'in', ['planned', 'open'])
      .orderBy('starts_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toMeeting);
  }

  async update(id: string, changes: MeetingChanges, expectedVersion: number, at: string, jobs: readonly OutboxJob[] = []): Promise<Meeting | undefined> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('meetings')
        .set((eb) => ({ ...changeColumns(changes), updated_at: at, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await insertJobs(trx, jobs, at);
      return true;
    });
    return updated ? this.findById(id) : undefined;
  }
}
