import type { Kysely } from 'kysely';
import type { JusteringRepository, OutboxJob } from '../app/ports.js';
import type { Adjuster, ExportStatus, MinutesComment, MinutesExport, MinutesRecord, MinutesStatus } from '../domain/justering.js';
import { insertJobs } from './outbox-repository.js';
import type { Database, MinutesAdjustersTable, MinutesTable } from './schema.js';

function toRecord(row: MinutesTable): MinutesRecord {
  return {
    meetingId: row.meeting_id,
    version: Number(row.version),
    status: row.status as MinutesStatus,
    deadline: row.deadline,
    sentAt: row.sent_at,
    approvedAt: row.approved_at,
    updatedAt: row.updated_at,
    diaryNumber: row.diary_number ?? null,
    export: row.export_status
      ? { status: row.export_status as ExportStatus, detail: row.export_detail, files: parseFiles(row.export_files), at: row.exported_at }
      : null,
  };
}

function parseFiles(text: string | null): { name: string; webUrl: string }[] {
  try {
    const files = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(files) ? files.filter((f): f is { name: string; webUrl: string } => typeof f?.name === 'string' && typeof f?.webUrl === 'string') : [];
  } catch {
    return [];
  }
}

function toAdjuster(row: MinutesAdjustersTable): Adjuster {
  return {
    meetingId: row.meeting_id,
    userId: row.user_id,
    approvedVersion: row.approved_version === null ? null : Number(row.approved_version),
    approvedAt: row.approved_at,
  };
}

export class KyselyJusteringRepository implements JusteringRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async find(meetingId: string): Promise<MinutesRecord | undefined> {
    const row = await this.db.selectFrom('minutes').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
    return row && toRecord(row);
  }

  async adjusters(meetingId: string): Promise<Adjuster[]> {
    const rows = await this.db.selectFrom('minutes_adjusters').selectAll().where('meeting_id', '=', meetingId).orderBy('user_id').execute();
    return rows.map(toAdjuster);
  }

  private async ensure(trx: Kysely<Database>, meetingId: string, at: string): Promise<void> {
    await trx
      .insertInto('minutes')
      .values({ meeting_id: meetingId, version: 1, status: 'draft', deadline: null, sent_at: null, approved_at: null, updated_at: at })
      .onConflict((oc) => oc.column('meeting_id').doNothing())
      .execute();
  }

  async setAdjusters(meetingId: string, userIds: readonly string[], at: string): Promise<MinutesRecord> {
    await this.db.transaction().execute(async (trx) => {
      await this.ensure(trx, meetingId, at);
      await trx.deleteFrom('minutes_adjusters').where('meeting_id', '=', meetingId).where('user_id', 'not in', [...userIds]).execute();
      for (const userId of userIds) {
        await trx
          .insertInto('minutes_adjusters')
          .values({ meeting_id: meetingId, user_id: userId, approved_version: null, approved_at: null })
          .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doNothing())
          .execute();
      }
    });
    return (await this.find(meetingId))!;
  }

  async send(meetingId: string, deadline: string, at: string, jobs: readonly OutboxJob[]): Promise<MinutesRecord> {
    await this.db.transaction().execute(async (trx) => {
      await this.ensure(trx, meetingId, at);
      await trx.updateTable('minutes').set({ status: 'sent', deadline, sent_at: at, updated_at: at }).where('meeting_id', '=', meetingId).where('status', '!=', 'approved').execute();
      await insertJobs(trx, jobs, at);
    });
    return (await this.find(meetingId))!;
  }

  async approve(meetingId: string, userId: string, version: number, at: string, jobsIfApproved: readonly OutboxJob[]): Promise<'approved' | 'recorded' | 'stale' | 'notAdjuster'> {
    return this.db.transaction().execute(async (trx) => {
      // Two last approvals at once on PostgreSQL: the row lock lets one see the other's.
      let query = trx.selectFrom('minutes').selectAll().where('meeting_id', '=', meetingId);
      if (this.dialect === 'postgres') query = query.forUpdate();
      const minutes = await query.executeTakeFirst();
      if (!minutes || Number(minutes.version) !== version || minutes.status === 'approved') return 'stale';
      const updated = await trx
        .updateTable('minutes_adjusters')
        .set({ approved_version: version, approved_at: at })
        .where('meeting_id', '=', meetingId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return 'notAdjuster';
      const waiting = await trx
        .selectFrom('minutes_adjusters')
        .select('user_id')
        .where('meeting_id', '=', meetingId)
        .where((eb) => eb.or([eb('approved_version', 'is', null), eb('approved_version', '!=', version)]))
        .execute();
      if (waiting.length > 0) return 'recorded';
      // The last approval: minutes and meeting are locked together, and what follows is queued with them.
      await trx.updateTable('minutes').set({ status: 'approved', approved_at: at, updated_at: at }).where('meeting_id', '=', meetingId).execute();
      await trx.updateTable('meetings').set((eb) => ({ status: 'approved', updated_at: at, version: eb('version', '+', 1) })).where('id', '=', meetingId).execute();
      await insertJobs(trx, jobsIfApproved, at);
      return 'approved';
    });
  }

  async reopen(meetingId: string, expectedVersion: number, at: string): Promise<MinutesRecord | undefined> {
    const done = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('minutes')
        .set((eb) => ({ version: eb('version', '+', 1), status: 'draft', approved_at: null, sent_at: null, updated_at: at }))
        .where('meeting_id', '=', meetingId)
        .where('version', '=', expectedVersion)
        .where('status', '=', 'approved')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.updateTable('meetings').set((eb) => ({ status: 'closed', updated_at: at, version: eb('version', '+', 1) })).where('id', '=', meetingId).execute();
      return true;
    });
    return done ? this.find(meetingId) : undefined;
  }

  async addComment(comment: MinutesComment, clientKey: string, jobs: readonly OutboxJob[]): Promise<{ comment: MinutesComment; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('minutes_comments').selectAll().where('client_key', '=', clientKey).executeTakeFirst();
      if (existing) {
        return { comment: { id: existing.id, meetingId: existing.meeting_id, userId: existing.user_id, version: Number(existing.version), text: existing.text, createdAt: existing.created_at }, created: false };
      }
      await trx
        .insertInto('minutes_comments')
        .values({ id: comment.id, meeting_id: comment.meetingId, user_id: comment.userId, version: comment.version, text: comment.text, client_key: clientKey, created_at: comment.createdAt })
        .execute();
      await insertJobs(trx, jobs, comment.createdAt);
      return { comment, created: true };
    });
  }

  async setDiaryNumber(meetingId: string, diaryNumber: string | null, at: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.ensure(trx, meetingId, at);
      await trx.updateTable('minutes').set({ diary_number: diaryNumber, updated_at: at }).where('meeting_id', '=', meetingId).execute();
    });
  }

  async setExport(meetingId: string, state: MinutesExport, jobs: readonly OutboxJob[] = []): Promise<void> {
    const at = state.at ?? new Date(0).toISOString();
    await this.db.transaction().execute(async (trx) => {
      await this.ensure(trx, meetingId, at);
      await trx
        .updateTable('minutes')
        .set({ export_status: state.status, export_detail: state.detail?.slice(0, 1000) ?? null, export_files: JSON.stringify(state.files), exported_at: state.at })
        .where('meeting_id', '=', meetingId)
        .execute();
      await insertJobs(trx, jobs, at);
    });
  }

  async comments(meetingId: string): Promise<MinutesComment[]> {
    const rows = await this.db.selectFrom('minutes_comments').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, meetingId: r.meeting_id, userId: r.user_id, version: Number(r.version), text: r.text, createdAt: r.created_at }));
  }

  async signedNames(meetingId: string): Promise<{ userId: string; name: string; organisation: string | null }[]> {
    const rows = await this.db.selectFrom('signed_names').select(['user_id', 'name', 'organisation']).where('meeting_id', '=', meetingId).execute();
    return rows.map((r) => ({ userId: r.user_id, name: r.name, organisation: r.organisation }));
  }
}
