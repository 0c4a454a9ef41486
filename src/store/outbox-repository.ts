import { randomUUID } from 'node:crypto';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { ClaimedJob, LeaseOwner, OutboxJob, OutboxRepository, ParkedJob } from '../app/ports.js';
import type { Database } from './schema.js';

/** Queues jobs inside the caller's transaction, so a change and what it causes are saved together. */
export async function insertJobs(trx: Transaction<Database> | Kysely<Database>, jobs: readonly OutboxJob[], at: string): Promise<void> {
  for (const job of jobs) {
    const row = { id: randomUUID(), key: job.key, kind: job.kind, payload: JSON.stringify(job.payload), due_at: job.dueAt, attempts: 0, created_at: at };
    await trx
      .insertInto('outbox')
      .values(row)
      .onConflict((oc) =>
        job.mode === 'rearm'
          ? oc.column('key').doUpdateSet({
              // A job already waiting keeps its time (that is the coalescing); a sent one is queued again.
              due_at: sql`case when outbox.sent_at is null then outbox.due_at else excluded.due_at end`,
              payload: sql`excluded.payload`,
              sent_at: null,
              attempts: sql`case when outbox.sent_at is null then outbox.attempts else 0 end`,
              // A parked job stays parked (an admin matter) and keeps the error that parked it.
              last_error: sql`case when outbox.parked_at is null then null else outbox.last_error end`,
              revision: sql`outbox.revision + 1`,
            })
          : oc.column('key').doNothing(),
      )
      .execute();
  }
}

function readPayload(text: string): { payload: unknown; unreadable?: true } {
  try {
    return { payload: JSON.parse(text) as unknown };
  } catch {
    return { payload: undefined, unreadable: true };
  }
}

export class KyselyOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  async enqueue(jobs: readonly OutboxJob[], at: string): Promise<void> {
    if (jobs.length === 0) return;
    // One statement needs no transaction of its own (one round trip fewer per vote).
    if (jobs.length === 1) return insertJobs(this.db, jobs, at);
    await this.db.transaction().execute((trx) => insertJobs(trx, jobs, at));
  }

  async claim(now: string, leaseMs: number, limit: number, owner?: LeaseOwner): Promise<ClaimedJob[]> {
    const until = new Date(Date.parse(now) + leaseMs).toISOString();
    return this.db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('outbox')
        .select(['id', 'key', 'kind', 'payload', 'attempts', 'revision', 'lease_until', 'due_at'])
        .where('sent_at', 'is', null)
        .where('parked_at', 'is', null)
        .where('due_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('due_at')
        .limit(limit);
      // Several instances: each takes rows the others have not locked.
      if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await due.execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set({
          lease_until: until,
          attempts: sql<number>`attempts + 1`,
          lease_owner: owner?.instanceId ?? null,
          lease_started: owner?.startedAt ?? null,
          lease_pid: owner?.pid ?? null,
        })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((r) => ({
        id: r.id,
        key: r.key,
        kind: r.kind,
        // One row that does not parse must not stop the rows claimed with it: the dispatcher parks it.
        ...readPayload(r.payload),
        attempts: Number(r.attempts) + 1,
        revision: Number(r.revision),
        dueAt: r.due_at,
        // complete() and fail() both clear the lease; one still set was left by a stopped instance.
        resumed: r.lease_until !== null,
      }));
    });
  }

  async reclaim(owner: LeaseOwner, now: string, gone: (previous: { pid: number; startedAt: string }) => boolean): Promise<number> {
    const held = await this.db
      .selectFrom('outbox')
      .select(['lease_pid', 'lease_started'])
      .distinct()
      .where('lease_owner', '=', owner.instanceId)
      .where('lease_started', '<', owner.startedAt)
      .where('lease_until', '>', now)
      .where('sent_at', 'is', null)
      .execute();
    let freed = 0;
    for (const { lease_pid: pid, lease_started: startedAt } of held) {
      if (pid === null || startedAt === null || !gone({ pid: Number(pid), startedAt })) continue;
      // Expired rather than cleared: claim() then hands the jobs out as resumed, and the log names them.
      const result = await this.db
        .updateTable('outbox')
        .set({ lease_until: now })
        .where('lease_owner', '=', owner.instanceId)
        .where('lease_started', '=', startedAt)
        .where('lease_pid', '=', pid)
        .where('lease_until', '>', now)
        .where('sent_at', 'is', null)
        .executeTakeFirst();
      freed += Number(result.numUpdatedRows);
    }
    return freed;
  }

  async complete(job: Pick<ClaimedJob, 'id' | 'revision'>, at: string, rerunAt: string = at): Promise<void> {
    const done = await this.db
      .updateTable('outbox')
      .set({ sent_at: at, lease_until: null, last_error: null })
      .where('id', '=', job.id)
      .where('revision', '=', job.revision)
      .executeTakeFirst();
    // Re-armed while it was delivered (new votes came in): free it to run again, not before rerunAt.
    if (Number(done.numUpdatedRows) === 0) await this.db.updateTable('outbox').set({ lease_until: null, due_at: rerunAt }).where('id', '=', job.id).execute();
  }

  async fail(id: string, error: string, retryAt: string): Promise<void> {
    await this.db.updateTable('outbox').set({ lease_until: null, due_at: retryAt, last_error: error.slice(0, 2000) }).where('id', '=', id).execute();
  }

  async postpone(id: string, reason: string, until: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ lease_until: null, due_at: until, last_error: reason.slice(0, 2000), attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end` })
      .where('id', '=', id)
      .execute();
  }

  async park(id: string, error: string, at: string): Promise<void> {
    await this.db.updateTable('outbox').set({ parked_at: at, lease_until: null, last_error: error.slice(0, 2000) }).where('id', '=', id).execute();
  }

  async parked(): Promise<ParkedJob[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['id', 'key', 'kind', 'attempts', 'last_error', 'parked_at', 'created_at'])
      .where('parked_at', 'is not', null)
      .where('sent_at', 'is', null)
      .orderBy('parked_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, key: r.key, kind: r.kind, attempts: Number(r.attempts), lastError: r.last_error, parkedAt: r.parked_at!, createdAt: r.created_at }));
  }

  async parkedCount(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['kind', eb.fn.countAll<number>().as('n')])
      .where('parked_at', 'is not', null)
      .where('sent_at', 'is', null)
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  }

  async unpark(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ parked_at: null, attempts: 0, due_at: at, lease_until: null })
      .where('id', '=', id)
      .where('parked_at', 'is not', null)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async drop(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ sent_at: at, parked_at: null, lease_until: null })
      .where('id', '=', id)
      .where('parked_at', 'is not', null)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async discard(id: string, reason: string, at: string): Promise<void> {
    await this.db.updateTable('outbox').set({ sent_at: at, lease_until: null, last_error: reason.slice(0, 2000) }).where('id', '=', id).execute();
  }

  async extendLeases(ids: readonly string[], until: string): Promise<void> {
    if (ids.length === 0) return;
    // complete() and fail() clear the lease: a job they have finished with is not taken back.
    await this.db.updateTable('outbox').set({ lease_until: until }).where('id', 'in', [...ids]).where('sent_at', 'is', null).where('lease_until', 'is not', null).execute();
  }

  async purgeSent(before: string, limit: number): Promise<number> {
    const old = this.db.selectFrom('outbox').select('id').where('sent_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('outbox').where('id', 'in', old).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sent_at', 'is', null)
      .where('parked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
