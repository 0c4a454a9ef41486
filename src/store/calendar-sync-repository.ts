import type { Kysely } from 'kysely';
import type { CalendarStatus, CalendarSyncRepository, CalendarSyncState, OutboxJob, TeamsSource } from '../app/ports.js';
import { insertJobs } from './outbox-repository.js';
import type { CalendarSyncTable, Database } from './schema.js';

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
  };
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
}
