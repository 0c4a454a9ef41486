import { type Kysely, type Transaction, sql } from 'kysely';
import type { OutboxJob, PollRepository, StoredBallot } from '../app/ports.js';
import type { Poll, PollOption, PollStatus, ResultsVisibility } from '../domain/poll.js';
import { insertJobs } from './outbox-repository.js';
import type { Database, PollsTable } from './schema.js';

function toPoll(row: PollsTable): Poll {
  return {
    id: row.id,
    councilId: row.council_id,
    meetingId: row.meeting_id,
    agendaItemId: row.agenda_item_id,
    question: row.question,
    options: JSON.parse(row.options) as PollOption[],
    maxChoices: Number(row.max_choices),
    anonymous: Number(row.anonymous) === 1,
    resultsVisibility: row.results_visibility as ResultsVisibility,
    deadline: row.deadline,
    remindBeforeMinutes: row.remind_before_minutes === null ? null : Number(row.remind_before_minutes),
    status: row.status as PollStatus,
    createdBy: row.created_by,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    activityId: row.activity_id,
    version: Number(row.version),
  };
}

function toBallot(row: { voter_key: string; choices: string; voter_id: string | null }): StoredBallot {
  return { voterKey: row.voter_key, choices: JSON.parse(row.choices) as string[], voterId: row.voter_id };
}

export class KyselyPollRepository implements PollRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async create(poll: Omit<Poll, 'version'>, clientKey: string, jobs: readonly OutboxJob[]): Promise<{ poll: Poll; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('polls')
        .values({
          id: poll.id,
          council_id: poll.councilId,
          meeting_id: poll.meetingId,
          agenda_item_id: poll.agendaItemId,
          question: poll.question,
          options: JSON.stringify(poll.options),
          max_choices: poll.maxChoices,
          anonymous: poll.anonymous ? 1 : 0,
          results_visibility: poll.resultsVisibility,
          deadline: poll.deadline,
          remind_before_minutes: poll.remindBeforeMinutes,
          status: poll.status,
          created_by: poll.createdBy,
          created_at: poll.createdAt,
          closed_at: poll.closedAt,
          activity_id: poll.activityId,
          client_key: clientKey,
          version: 1,
        })
        .onConflict((oc) => oc.column('client_key').doNothing())
        .executeTakeFirst();
      const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (created) await insertJobs(trx, jobs, poll.createdAt);
      const row = await trx.selectFrom('polls').selectAll().where('client_key', '=', clientKey).executeTakeFirstOrThrow();
      return { poll: toPoll(row), created };
    });
  }

  async findById(id: string): Promise<Poll | undefined> {
    const row = await this.db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPoll(row);
  }

  async open(councilId: string): Promise<Poll[]> {
    const rows = await this.db.selectFrom('polls').selectAll().where('council_id', '=', councilId).where('status', '=', 'open').orderBy('created_at').execute();
    return rows.map(toPoll);
  }

  async forMeeting(meetingId: string): Promise<Poll[]> {
    const rows = await this.db.selectFrom('polls').selectAll().where('meeting_id', '=', meetingId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toPoll);
  }

  async setActivity(pollId: string, activityId: string): Promise<void> {
    await this.db.updateTable('polls').set({ activity_id: activityId }).where('id', '=', pollId).execute();
  }

  async castBallot(pollId: string, ballot: StoredBallot & { votedAt: string | null }): Promise<'saved' | 'unchanged' | 'closed'> {
    return this.db.transaction().execute(async (trx) => {
      // On PostgreSQL the poll row is locked, so a vote and the closing never interleave.
      const lock = trx.selectFrom('polls').select('status').where('id', '=', pollId);
      const poll = await (this.dialect === 'postgres' ? lock.forShare() : lock).executeTakeFirst();
      if (!poll || poll.status !== 'open') return 'closed';
      const choices = JSON.stringify(ballot.choices);
      // An unchanged ballot (a retried click) updates nothing and says so.
      const written = await trx
        .insertInto('poll_ballots')
        .values({ poll_id: pollId, voter_key: ballot.voterKey, choices, voter_id: ballot.voterId, voted_at: ballot.votedAt })
        .onConflict((oc) =>
          oc
            .columns(['poll_id', 'voter_key'])
            .doUpdateSet({ choices, voted_at: ballot.votedAt })
            .where('poll_ballots.choices', '<>', choices),
        )
        .executeTakeFirst();
      if (Number(written.numInsertedOrUpdatedRows ?? 0n) === 0) return 'unchanged';
      return 'saved';
    });
  }

  async ballots(pollId: string): Promise<StoredBallot[]> {
    const rows = await this.db.selectFrom('poll_ballots').select(['voter_key', 'choices', 'voter_id']).where('poll_id', '=', pollId).orderBy('voter_key').execute();
    return rows.map(toBallot);
  }

  async ballot(pollId: string, voterKey: string): Promise<StoredBallot | undefined> {
    const row = await this.db
      .selectFrom('poll_ballots')
      .select(['voter_key', 'choices', 'voter_id'])
      .where('poll_id', '=', pollId)
      .where('voter_key', '=', voterKey)
      .executeTakeFirst();
    return row && toBallot(row);
  }

  async close(pollId: string, at: string, jobs: readonly OutboxJob[]): Promise<Poll | undefined> {
    return this.db.transaction().execute(async (trx: Transaction<Database>) => {
      const result = await trx
        .updateTable('polls')
        .set({ status: 'closed', closed_at: at, version: sql<number>`version + 1` })
        .where('id', '=', pollId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      await insertJobs(trx, jobs, at);
      const row = await trx.selectFrom('polls').selectAll().where('id', '=', pollId).executeTakeFirstOrThrow();
      return toPoll(row);
    });
  }
}
