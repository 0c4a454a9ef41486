import { type Kysely, sql } from 'kysely';
import type { NominationRepository, OutboxJob } from '../app/ports.js';
import type { Consent, Nomination, NominationRound, RoundStatus } from '../domain/nomination.js';
import { insertJobs } from './outbox-repository.js';
import type { Database, NominationRoundsTable, NominationsTable } from './schema.js';

function toRound(row: NominationRoundsTable): NominationRound {
  return {
    id: row.id,
    councilId: row.council_id,
    meetingId: row.meeting_id,
    agendaItemId: row.agenda_item_id,
    name: row.name,
    purpose: row.purpose,
    seats: Number(row.seats),
    deadline: row.deadline,
    selfNomination: Number(row.self_nomination) === 1,
    criteria: row.criteria,
    status: row.status as RoundStatus,
    createdBy: row.created_by,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    pollId: row.poll_id,
    activityId: row.activity_id,
    version: Number(row.version),
  };
}

function toNomination(row: NominationsTable): Nomination {
  return {
    id: row.id,
    roundId: row.round_id,
    nomineeUserId: row.nominee_user_id,
    nomineeName: row.nominee_name,
    nomineeEmail: row.nominee_email,
    nominatedBy: row.nominated_by,
    motivation: row.motivation,
    consent: row.consent as Consent,
    selected: Number(row.selected) === 1,
    createdAt: row.created_at,
    answeredAt: row.answered_at,
  };
}

export class KyselyNominationRepository implements NominationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createRound(round: Omit<NominationRound, 'version'>, clientKey: string): Promise<{ round: NominationRound; created: boolean }> {
    const inserted = await this.db
      .insertInto('nomination_rounds')
      .values({
        id: round.id,
        council_id: round.councilId,
        meeting_id: round.meetingId,
        agenda_item_id: round.agendaItemId,
        name: round.name,
        purpose: round.purpose,
        seats: round.seats,
        deadline: round.deadline,
        self_nomination: round.selfNomination ? 1 : 0,
        criteria: round.criteria,
        status: round.status,
        created_by: round.createdBy,
        created_at: round.createdAt,
        closed_at: round.closedAt,
        poll_id: round.pollId,
        activity_id: round.activityId,
        client_key: clientKey,
        version: 1,
      })
      .onConflict((oc) => oc.column('client_key').doNothing())
      .executeTakeFirst();
    const row = await this.db.selectFrom('nomination_rounds').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
    return { round: toRound(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 };
  }

  async findRound(id: string): Promise<NominationRound | undefined> {
    const row = await this.db.selectFrom('nomination_rounds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRound(row);
  }

  async roundsForMeeting(meetingId: string): Promise<NominationRound[]> {
    const rows = await this.db.selectFrom('nomination_rounds').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRound);
  }

  async setRoundActivity(roundId: string, activityId: string): Promise<void> {
    await this.db.updateTable('nomination_rounds').set({ activity_id: activityId }).where('id', '=', roundId).execute();
  }

  async nominate(n: Nomination, jobs: readonly OutboxJob[]): Promise<{ nomination: Nomination; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('nominations')
        .values({
          id: n.id,
          round_id: n.roundId,
          nominee_user_id: n.nomineeUserId,
          nominee_name: n.nomineeName,
          nominee_email: n.nomineeEmail,
          nominated_by: n.nominatedBy,
          motivation: n.motivation,
          consent: n.consent,
          selected: 0,
          created_at: n.createdAt,
          answered_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (created) await insertJobs(trx, jobs, n.createdAt);
      const row = await trx
        .selectFrom('nominations')
        .selectAll()
        .where('round_id', '=', n.roundId)
        .where((eb) => (n.nomineeUserId ? eb('nominee_user_id', '=', n.nomineeUserId) : eb('nominee_email', '=', n.nomineeEmail ?? '')))
        .executeTakeFirstOrThrow();
      return { nomination: toNomination(row), created };
    });
  }

  async nominations(roundId: string): Promise<Nomination[]> {
    const rows = await this.db.selectFrom('nominations').selectAll().where('round_id', '=', roundId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toNomination);
  }

  async findNomination(id: string): Promise<Nomination | undefined> {
    const row = await this.db.selectFrom('nominations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toNomination(row);
  }

  async answer(nominationId: string, consent: 'accepted' | 'declined', at: string, jobs: readonly OutboxJob[]): Promise<Nomination | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('nominations')
        .set({ consent, answered_at: at })
        .where('id', '=', nominationId)
        .where('round_id', 'in', trx.selectFrom('nomination_rounds').select('id').where('status', '=', 'open'))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      await insertJobs(trx, jobs, at);
      return toNomination(await trx.selectFrom('nominations').selectAll().where('id', '=', nominationId).executeTakeFirstOrThrow());
    });
  }

  async close(
    roundId: string,
    change: { selectedIds: readonly string[]; pollId: string | null },
    expectedVersion: number,
    at: string,
    jobs: readonly OutboxJob[],
  ): Promise<NominationRound | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('nomination_rounds')
        .set({ status: 'closed', closed_at: at, poll_id: change.pollId, version: sql<number>`version + 1` })
        .where('id', '=', roundId)
        .where('status', '=', 'open')
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      if (change.selectedIds.length > 0) {
        await trx.updateTable('nominations').set({ selected: 1 }).where('round_id', '=', roundId).where('id', 'in', [...change.selectedIds]).execute();
      }
      await insertJobs(trx, jobs, at);
      return toRound(await trx.selectFrom('nomination_rounds').selectAll().where('id', '=', roundId).executeTakeFirstOrThrow());
    });
  }
}
