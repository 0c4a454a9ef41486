import type { Kysely } from 'kysely';
import type { CalendarOccurrence, CalendarSeries, CalendarStatus, CalendarSyncRepository, CalendarSyncState, OutboxJob, TeamsSource, UnknownZoneEvent } from '../app/ports.js';
import { readRecurrence } from '../domain/recurrence.js';
import { insertJobs } from './outbox-repository.js';
import type { CalendarOccurrencesTable, CalendarSeriesTable, CalendarSyncTable, Database } from './schema.js';

function toSeries(row: CalendarSeriesTable): CalendarSeries {
  let recurrence: unknown = null;
  try {
    recurrence = row.recurrence ? JSON.parse(row.recurrence) : null;
  } catch {
    recurrence = null;
  }
  return {
    councilId: row.council_id,
    id: row.series_id,
    subject: row.subject,
    place: row.place,
    onlineUrl: row.online_url,
    startsAt: row.starts_at,
    recurrence: readRecurrence(recurrence),
    toldAt: row.told_at,
    updatedAt: row.updated_at,
  };
}

function toOccurrence(row: CalendarOccurrencesTable): CalendarOccurrence {
  return {
    councilId: row.council_id,
    seriesId: row.series_id,
    eventId: row.event_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    subject: row.subject,
    place: row.place,
    cancelled: Number(row.cancelled) === 1,
  };
}

function occurrenceRow(o: CalendarOccurrence): CalendarOccurrencesTable {
  return {
    council_id: o.councilId,
    event_id: o.eventId,
    series_id: o.seriesId,
    starts_at: o.startsAt,
    ends_at: o.endsAt,
    subject: o.subject?.slice(0, 500) ?? null,
    place: o.place?.slice(0, 500) ?? null,
    cancelled: o.cancelled ? 1 : 0,
  };
}

function toState(row: CalendarSyncTable): CalendarSyncState {
  return {
    councilId: row.council_id,
    mailbox: row.mailbox,
    window: row.window_start && row.window_end ? { start: row.window_start, end: row.window_end } : null,
    deltaLink: row.delta_link,
    status: row.status as CalendarStatus,
    detail: row.detail,
    checkedAt: row.checked_at,
    syncedAt: row.synced_at,
    teams: (row.teams as TeamsSource | null) ?? null,
    ...(row.unknown_zones ? { unknownZones: readUnknownZones(row.unknown_zones) } : {}),
  };
}

function readUnknownZones(text: string | null): UnknownZoneEvent[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? (list as UnknownZoneEvent[]) : [];
  } catch {
    return [];
  }
}

export class KyselyCalendarSyncRepository implements CalendarSyncRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(councilId: string): Promise<CalendarSyncState | undefined> {
    const row = await this.db.selectFrom('calendar_sync').selectAll().where('council_id', '=', councilId).executeTakeFirst();
    return row && toState(row);
  }

  async save(state: CalendarSyncState, jobs: readonly OutboxJob[] = []): Promise<void> {
    const row: CalendarSyncTable = {
      council_id: state.councilId,
      mailbox: state.mailbox,
      window_start: state.window?.start ?? null,
      window_end: state.window?.end ?? null,
      delta_link: state.deltaLink,
      status: state.status,
      detail: state.detail?.slice(0, 1000) ?? null,
      checked_at: state.checkedAt,
      synced_at: state.syncedAt,
      teams: state.teams ?? null,
      unknown_zones: state.unknownZones?.length ? JSON.stringify(state.unknownZones) : null,
    };
    const { council_id: _, ...rest } = row;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('calendar_sync')
        .values(row)
        .onConflict((oc) => oc.column('council_id').doUpdateSet(rest))
        .execute();
      await insertJobs(trx, jobs, state.checkedAt);
    });
  }

  async series(councilId: string): Promise<CalendarSeries[]> {
    const rows = await this.db.selectFrom('calendar_series').selectAll().where('council_id', '=', councilId).orderBy('series_id').execute();
    return rows.map(toSeries);
  }

  async saveSeries(series: CalendarSeries, occurrences: readonly CalendarOccurrence[] | undefined, jobs: readonly OutboxJob[] = []): Promise<void> {
    const row: CalendarSeriesTable = {
      council_id: series.councilId,
      series_id: series.id,
      subject: series.subject.slice(0, 500),
      place: series.place?.slice(0, 500) ?? null,
      online_url: series.onlineUrl,
      starts_at: series.startsAt,
      recurrence: series.recurrence ? JSON.stringify(series.recurrence) : null,
      told_at: series.toldAt,
      updated_at: series.updatedAt,
    };
    const { council_id: _c, series_id: _s, ...rest } = row;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('calendar_series')
        .values(row)
        .onConflict((oc) => oc.columns(['council_id', 'series_id']).doUpdateSet(rest))
        .execute();
      if (occurrences) {
        await trx.deleteFrom('calendar_occurrences').where('council_id', '=', series.councilId).where('series_id', '=', series.id).execute();
        // Batches keep a long series within the parameter limits of both databases.
        for (let i = 0; i < occurrences.length; i += 100) {
          const batch = occurrences.slice(i, i + 100).map(occurrenceRow);
          if (batch.length > 0) await trx.insertInto('calendar_occurrences').values(batch).onConflict((oc) => oc.columns(['council_id', 'event_id']).doNothing()).execute();
        }
      }
      await insertJobs(trx, jobs, series.updatedAt);
    });
  }

  async removeSeries(councilId: string, seriesId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('calendar_occurrences').where('council_id', '=', councilId).where('series_id', '=', seriesId).execute();
      await trx.deleteFrom('calendar_series').where('council_id', '=', councilId).where('series_id', '=', seriesId).execute();
    });
  }

  async occurrences(councilId: string, seriesId?: string): Promise<CalendarOccurrence[]> {
    let query = this.db.selectFrom('calendar_occurrences').selectAll().where('council_id', '=', councilId);
    if (seriesId !== undefined) query = query.where('series_id', '=', seriesId);
    return (await query.orderBy('starts_at').orderBy('event_id').execute()).map(toOccurrence);
  }

  async saveOccurrence(occurrence: CalendarOccurrence): Promise<void> {
    const row = occurrenceRow(occurrence);
    const { council_id: _c, event_id: _e, ...rest } = row;
    await this.db
      .insertInto('calendar_occurrences')
      .values(row)
      .onConflict((oc) => oc.columns(['council_id', 'event_id']).doUpdateSet(rest))
      .execute();
  }

  async removeOccurrences(councilId: string, eventIds: readonly string[]): Promise<void> {
    for (let i = 0; i < eventIds.length; i += 100) {
      const batch = eventIds.slice(i, i + 100);
      if (batch.length > 0) await this.db.deleteFrom('calendar_occurrences').where('council_id', '=', councilId).where('event_id', 'in', batch).execute();
    }
  }
}
