import type { Kysely } from 'kysely';
import type { ActionItemRepository, AttendanceRepository, DecisionRepository } from '../app/ports.js';
import type { ActionItem, ActionStatus } from '../domain/action-item.js';
import type { AttendanceEntry, AttendanceStatus } from '../domain/attendance.js';
import type { Decision, DecisionOutcome } from '../domain/decision.js';
import type { ActionItemsTable, Database, DecisionsTable } from './schema.js';

function toDecision(row: DecisionsTable): Decision {
  const hasVote = row.vote_for !== null && row.vote_against !== null && row.vote_abstain !== null;
  return {
    id: row.id,
    meetingId: row.meeting_id,
    agendaItemId: row.agenda_item_id,
    itemNumber: row.item_number,
    itemTitle: row.item_title,
    text: row.text,
    outcome: row.outcome as DecisionOutcome,
    reason: row.reason,
    vote: hasVote ? { for: Number(row.vote_for), against: Number(row.vote_against), abstain: Number(row.vote_abstain) } : null,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    version: Number(row.version),
  };
}

function toActionItem(row: ActionItemsTable): ActionItem {
  return {
    id: row.id,
    councilId: row.council_id,
    meetingId: row.meeting_id,
    agendaItemId: row.agenda_item_id,
    ownerUserId: row.owner_user_id,
    ownerName: row.owner_name,
    text: row.text,
    dueDate: row.due_date,
    status: row.status as ActionStatus,
    createdBy: row.created_by,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    version: Number(row.version),
  };
}

export class KyselyDecisionRepository implements DecisionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(decision: Omit<Decision, 'version'>, clientKey: string): Promise<{ decision: Decision; created: boolean }> {
    const inserted = await this.db
      .insertInto('decisions')
      .values({
        id: decision.id,
        meeting_id: decision.meetingId,
        agenda_item_id: decision.agendaItemId,
        item_number: decision.itemNumber,
        item_title: decision.itemTitle,
        text: decision.text,
        outcome: decision.outcome,
        reason: decision.reason,
        vote_for: decision.vote?.for ?? null,
        vote_against: decision.vote?.against ?? null,
        vote_abstain: decision.vote?.abstain ?? null,
        recorded_by: decision.recordedBy,
        recorded_at: decision.recordedAt,
        client_key: clientKey,
        version: 1,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('decisions').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { decision: toDecision(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async findById(id: string): Promise<Decision | undefined> {
    const row = await this.db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDecision(row);
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('decisions').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async forMeeting(meetingId: string): Promise<Decision[]> {
    const rows = await this.db.selectFrom('decisions').selectAll().where('meeting_id', '=', meetingId).orderBy('recorded_at').orderBy('id').execute();
    return rows.map(toDecision);
  }
}

export class KyselyActionItemRepository implements ActionItemRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(item: Omit<ActionItem, 'version'>, clientKey: string): Promise<{ item: ActionItem; created: boolean }> {
    const inserted = await this.db
      .insertInto('action_items')
      .values({
        id: item.id,
        council_id: item.councilId,
        meeting_id: item.meetingId,
        agenda_item_id: item.agendaItemId,
        owner_user_id: item.ownerUserId,
        owner_name: item.ownerName,
        text: item.text,
        due_date: item.dueDate,
        status: item.status,
        created_by: item.createdBy,
        created_at: item.createdAt,
        completed_at: item.completedAt,
        client_key: clientKey,
        version: 1,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('action_items').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { item: toActionItem(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async findById(id: string): Promise<ActionItem | undefined> {
    const row = await this.db.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toActionItem(row);
  }

  async open(councilId: string): Promise<ActionItem[]> {
    const rows = await this.db.selectFrom('action_items').selectAll().where('council_id', '=', councilId).where('status', '=', 'open').execute();
    return rows.map(toActionItem).sort(byDue);
  }

  async forOwner(councilId: string, ownerUserId: string, status: ActionStatus): Promise<ActionItem[]> {
    const rows = await this.db
      .selectFrom('action_items')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('owner_user_id', '=', ownerUserId)
      .where('status', '=', status)
      .execute();
    return rows.map(toActionItem).sort(byDue);
  }

  async setStatus(id: string, status: ActionStatus, expectedVersion: number, at: string): Promise<ActionItem | undefined> {
    const result = await this.db
      .updateTable('action_items')
      .set((eb) => ({ status, completed_at: status === 'done' ? at : null, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.findById(id) : undefined;
  }
}

/** Earliest due date first; items without one after all dated ones; then oldest first. */
function byDue(a: ActionItem, b: ActionItem): number {
  if (a.dueDate !== b.dueDate) {
    if (a.dueDate === null) return 1;
    if (b.dueDate === null) return -1;
    return a.dueDate.localeCompare(b.dueDate);
  }
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

export class KyselyAttendanceRepository implements AttendanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async mark(meetingId: string, entries: readonly AttendanceEntry[], markedBy: string, at: string): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const entry of entries) {
        const row = { meeting_id: meetingId, user_id: entry.userId, status: entry.status, marked_by: markedBy, marked_at: at };
        await trx
          .insertInto('attendance')
          .values(row)
          .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doUpdateSet({ status: row.status, marked_by: markedBy, marked_at: at }))
          .execute();
      }
    });
  }

  async forMeeting(meetingId: string): Promise<AttendanceEntry[]> {
    const rows = await this.db.selectFrom('attendance').select(['user_id', 'status']).where('meeting_id', '=', meetingId).orderBy('user_id').execute();
    return rows.map((r) => ({ userId: r.user_id, status: r.status as AttendanceStatus }));
  }
}
