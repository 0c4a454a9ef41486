import { type Kysely, type Transaction, sql } from 'kysely';
import type { OutboxJob, PollRepository, StoredBallot } from '../app/ports.js';
import { type Counted, type Poll, type PollOption, type PollStatus, type ResultsVisibility, count } from '../domain/poll.js';
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
    counted: row.tally === null || row.tally === undefined ? null : (JSON.parse(row.tally) as Counted),
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

  async create(poll: Omit<Poll, 'version' | 'counted'>, clientKey: string, jobs: readonly OutboxJob[], cardClaimUntil: string): Promise<{ poll: Poll; created: boolean }> {
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
          card_claimed_until: cardClaimUntil,
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
    await this.db.updateTable('polls').set({ activity_id: activityId, card_claimed_until: null }).where('id', '=', pollId).execute();
  }

  async claimCard(pollId: string, now: string, until: string): Promise<boolean> {
    // One statement: of any number of requests at once, exactly one sees the row unclaimed
    // (PostgreSQL re-checks the condition on the row another request just updated).
    const result = await this.db
      .updateTable('polls')
      .set({ card_claimed_until: until })
      .where('id', '=', pollId)
      .where('activity_id', 'is', null)
      .where((eb) => eb.or([eb('card_claimed_until', 'is', null), eb('card_claimed_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseCard(pollId: string): Promise<void> {
    await this.db.updateTable('polls').set({ card_claimed_until: null }).where('id', '=', pollId).where('activity_id', 'is', null).execute();
  }

  async redactReminder(key: string): Promise<void> {
    await this.db.updateTable('outbox').set({ payload: '{}' }).where('key', '=', key).where('kind', '=', 'pollReminderTo').execute();
  }

  async scrubDeleted(): Promise<void> {
    if (this.dialect === 'postgres') {
      // Deleted and updated rows stay in the heap pages (and their xmin order with them) until
      // rewritten; FULL writes new files holding only the live rows. Outside any transaction.
      await sql`vacuum full poll_ballots, outbox`.execute(this.db);
      return;
    }
    // secure_delete zeroed the rows in the pages; the WAL still holds the pages as they were.
    const result = await sql<{ busy: number }>`pragma wal_checkpoint(truncate)`.execute(this.db);
    if (Number(result.rows[0]?.busy ?? 0) !== 0) throw new Error('the SQLite WAL could not be checkpointed (another connection reads it); retried');
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
      const poll = await trx.selectFrom('polls').select('anonymous').where('id', '=', pollId).executeTakeFirstOrThrow();
      if (Number(poll.anonymous) === 1) {
        // Once closed, nothing stored may tie a voter to a choice: the counts replace the
        // ballots, and the reminders (which named those who had not voted yet) go too.
        const ballots = await trx.selectFrom('poll_ballots').select('choices').where('poll_id', '=', pollId).execute();
        const counted = count(ballots.map((b) => JSON.parse(b.choices) as string[]));
        await trx.updateTable('polls').set({ tally: JSON.stringify(counted) }).where('id', '=', pollId).execute();
        await trx.deleteFrom('poll_ballots').where('poll_id', '=', pollId).execute();
        await trx.deleteFrom('outbox').where('kind', '=', 'pollReminderTo').where('key', 'like', `poll-remind:${pollId}:%`).execute();
      }
      await insertJobs(trx, jobs, at);
      const row = await trx.selectFrom('polls').selectAll().where('id', '=', pollId).executeTakeFirstOrThrow();
      return toPoll(row);
    });
  }
}
