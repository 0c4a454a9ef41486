import type { Kysely } from 'kysely';
import type { ActionItemRepository, AttendanceRepository, DecisionRepository, OutboxJob } from '../app/ports.js';
import { insertJobs } from './outbox-repository.js';
import type { ActionComment, ActionItem, ActionStatus } from '../domain/action-item.js';
import type { Act, AttendanceEntry, AttendanceSource, AttendanceStatus } from '../domain/attendance.js';
import type { CheckedDecision, Decision, DecisionOutcome, ProtocolNote, Reservation } from '../domain/decision.js';
import type { ActionItemsTable, Database, DecisionsTable, ProtocolNotesTable } from './schema.js';

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

function toProtocolNote(row: ProtocolNotesTable): ProtocolNote {
  return {
    id: row.id,
    meetingId: row.meeting_id,
    itemId: row.item_id,
    decisionId: row.decision_id,
    userId: row.user_id,
    text: row.text,
    createdAt: row.created_at,
  };
}

export class KyselyDecisionRepository implements DecisionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(decision: Omit<Decision, 'version'>, clientKey: string, jobs: readonly OutboxJob[] = []): Promise<{ decision: Decision; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
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
      const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      // A retry's jobs name a decision that was never saved: only the first attempt's are queued.
      if (created) await insertJobs(trx, jobs, decision.recordedAt);
      const row = await trx.selectFrom('decisions').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
      return { decision: toDecision(row), created };
    });
  }

  async findById(id: string): Promise<Decision | undefined> {
    const row = await this.db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDecision(row);
  }

  async findByClientKey(clientKey: string): Promise<Decision | undefined> {
    const row = await this.db.selectFrom('decisions').selectAll().where('client_key', '=', clientKey).executeTakeFirst();
    return row && toDecision(row);
  }

  async cardActivity(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('decisions').select('card_activity_id').where('id', '=', id).executeTakeFirst();
    return row?.card_activity_id ?? null;
  }

  async setCardActivity(id: string, activityId: string): Promise<void> {
    await this.db.updateTable('decisions').set({ card_activity_id: activityId }).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('decisions').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async update(id: string, changes: CheckedDecision, expectedVersion: number): Promise<Decision | undefined> {
    const result = await this.db
      .updateTable('decisions')
      .set((eb) => ({
        text: changes.text,
        outcome: changes.outcome,
        reason: changes.reason,
        vote_for: changes.vote?.for ?? null,
        vote_against: changes.vote?.against ?? null,
        vote_abstain: changes.vote?.abstain ?? null,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.findById(id) : undefined;
  }

  async addReservation(r: Reservation & { meetingId: string }): Promise<boolean> {
    const inserted = await this.db
      .insertInto('reservations')
      .values({ decision_id: r.decisionId, meeting_id: r.meetingId, user_id: r.userId, text: r.text, created_at: r.createdAt })
      .onConflict((oc) => oc.columns(['decision_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async reservations(meetingId: string): Promise<Reservation[]> {
    const rows = await this.db.selectFrom('reservations').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('user_id').execute();
    return rows.map((r) => ({ decisionId: r.decision_id, userId: r.user_id, text: r.text, createdAt: r.created_at }));
  }

  async addProtocolNote(note: ProtocolNote, clientKey: string): Promise<{ note: ProtocolNote; created: boolean }> {
    const inserted = await this.db
      .insertInto('protocol_notes')
      .values({
        id: note.id,
        meeting_id: note.meetingId,
        item_id: note.itemId,
        decision_id: note.decisionId,
        user_id: note.userId,
        text: note.text,
        created_at: note.createdAt,
        client_key: clientKey,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('protocol_notes').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { note: toProtocolNote(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async protocolNotes(meetingId: string): Promise<ProtocolNote[]> {
    const rows = await this.db.selectFrom('protocol_notes').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toProtocolNote);
  }

  async forMeeting(meetingId: string): Promise<Decision[]> {
    const rows = await this.db.selectFrom('decisions').selectAll().where('meeting_id', '=', meetingId).orderBy('recorded_at').orderBy('id').execute();
    return rows.map(toDecision);
  }
}

export class KyselyActionItemRepository implements ActionItemRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(item: Omit<ActionItem, 'version'>, clientKey: string, jobs: readonly OutboxJob[] = []): Promise<{ item: ActionItem; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
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
      const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (created) await insertJobs(trx, jobs, item.createdAt);
      const row = await trx.selectFrom('action_items').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
      return { item: toActionItem(row), created };
    });
  }

  async findById(id: string): Promise<ActionItem | undefined> {
    const row = await this.db.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toActionItem(row);
  }

  async forMeeting(meetingId: string): Promise<ActionItem[]> {
    const rows = await this.db.selectFrom('action_items').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toActionItem);
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

  async addComment(comment: ActionComment, clientKey: string): Promise<{ comment: ActionComment; created: boolean }> {
    const inserted = await this.db
      .insertInto('action_comments')
      .values({
        id: comment.id,
        action_item_id: comment.actionItemId,
        user_id: comment.userId,
        text: comment.text,
        created_at: comment.createdAt,
        client_key: clientKey,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('action_comments').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { comment: toComment(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async comments(actionItemIds: readonly string[]): Promise<ActionComment[]> {
    if (actionItemIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('action_comments')
      .selectAll()
      .where('action_item_id', 'in', [...actionItemIds])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
  }
}

function toComment(row: { id: string; action_item_id: string; user_id: string; text: string; created_at: string }): ActionComment {
  return { id: row.id, actionItemId: row.action_item_id, userId: row.user_id, text: row.text, createdAt: row.created_at };
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
        const fields = { status: entry.status, marked_by: markedBy, marked_at: at, source: entry.source ?? 'chair', reason: entry.reason ?? null, reason_at: entry.reasonAt ?? null };
        await trx
          .insertInto('attendance')
          .values({ meeting_id: meetingId, user_id: entry.userId, ...fields })
          .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doUpdateSet(fields))
          .execute();
      }
    });
  }

  async markActed(meetingId: string, userId: string, write: (existing: AttendanceEntry | undefined) => AttendanceEntry | undefined, at: string): Promise<boolean> {
    // One transaction, re-read inside it: the chair's mark made at the same moment is not overwritten by a stale read.
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('attendance').selectAll().where('meeting_id', '=', meetingId).where('user_id', '=', userId).executeTakeFirst();
      const entry = write(row && toEntry(row));
      if (!entry) return false;
      const fields = { status: entry.status, marked_by: userId, marked_at: at, source: entry.source ?? 'acted', reason: entry.reason ?? null, reason_at: entry.reasonAt ?? null };
      await trx
        .insertInto('attendance')
        .values({ meeting_id: meetingId, user_id: userId, ...fields })
        .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doUpdateSet(fields))
        .execute();
      return true;
    });
  }

  async forMeeting(meetingId: string): Promise<AttendanceEntry[]> {
    const rows = await this.db.selectFrom('attendance').selectAll().where('meeting_id', '=', meetingId).orderBy('user_id').execute();
    return rows.map(toEntry);
  }
}

function toEntry(r: { user_id: string; status: string; source: string; reason: string | null; reason_at: string | null }): AttendanceEntry {
  return {
    userId: r.user_id,
    status: r.status as AttendanceStatus,
    source: r.source as AttendanceSource,
    reason: (r.reason as Act | null) ?? null,
    reasonAt: r.reason_at ?? null,
  };
}
