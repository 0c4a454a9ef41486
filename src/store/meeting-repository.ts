import type { Kysely } from 'kysely';
import type { MeetingChanges, MeetingRepository, NewMeeting } from '../app/ports.js';
import type { Meeting, MeetingStatus } from '../domain/meeting.js';
import type { Database, MeetingsTable } from './schema.js';

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
  return columns;
}

export class KyselyMeetingRepository implements MeetingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(meetings: readonly NewMeeting[]): Promise<Meeting[]> {
    if (meetings.length === 0) return [];
    const rows: MeetingsTable[] = meetings.map((m) => ({
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
    }));
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('meetings').values(rows).execute();
    });
    return rows.map(toMeeting);
  }

  async findById(id: string): Promise<Meeting | undefined> {
    const row = await this.db.selectFrom('meetings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMeeting(row);
  }

  async upcoming(councilId: string, fromIso: string, limit: number): Promise<Meeting[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('ends_at', '>=', fromIso)
      .where('status', '!=', 'cancelled')
      .orderBy('starts_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toMeeting);
  }

  async update(id: string, changes: MeetingChanges, expectedVersion: number, at: string): Promise<Meeting | undefined> {
    const result = await this.db
      .updateTable('meetings')
      .set((eb) => ({ ...changeColumns(changes), updated_at: at, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.findById(id);
  }
}
