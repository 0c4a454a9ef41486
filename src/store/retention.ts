import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Deletes up to `limit` meetings that ended before `before` and are over (closed, approved or
 * cancelled), with everything recorded at them: agenda, attendance, decisions, minutes (by
 * cascade) and the polls, nomination rounds and action items tied to them. Minutes already
 * exported to SharePoint stay there. Planned or running meetings are never touched.
 */
export async function purgeMeetingsBefore(db: Kysely<Database>, before: string, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('meetings')
      .select('id')
      .where('ends_at', '<', before)
      .where('status', 'in', ['closed', 'approved', 'cancelled'])
      .orderBy('ends_at')
      .limit(limit)
      .execute();
    const ids = old.map((m) => m.id);
    if (ids.length === 0) return 0;
    await trx.deleteFrom('polls').where('meeting_id', 'in', ids).execute();
    await trx.deleteFrom('nomination_rounds').where('meeting_id', 'in', ids).execute();
    await trx.deleteFrom('action_items').where('meeting_id', 'in', ids).execute();
    await trx.deleteFrom('meetings').where('id', 'in', ids).execute();
    return ids.length;
  });
}
