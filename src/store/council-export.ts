import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Table rows as stored, grouped by table; the format an admin or a registrar can read and archive. */
export interface CouncilExport {
  exportedAt: string;
  council: Record<string, unknown>;
  tables: Record<string, Record<string, unknown>[]>;
}

/**
 * Everything the store holds about one council, for the admin (a request for records, a move,
 * an archive). Anonymous ballots are counted, never exported: their voter keys and choices stay
 * out, as does the bot's own machinery (turn state, outbox, calendar delta links).
 */
export async function exportCouncil(db: Kysely<Database>, councilId: string, exportedAt: string): Promise<CouncilExport | undefined> {
  const council = await db.selectFrom('councils').selectAll().where('id', '=', councilId).executeTakeFirst();
  if (!council) return undefined;
  const meetings = await db.selectFrom('meetings').selectAll().where('council_id', '=', councilId).orderBy('starts_at').execute();
  const meetingIds = meetings.map((m) => m.id);
  const inMeetings = <T extends keyof Database>(table: T) =>
    meetingIds.length === 0
      ? Promise.resolve([] as Record<string, unknown>[])
      : (db.selectFrom(table as any).selectAll().where('meeting_id', 'in', meetingIds).execute() as Promise<Record<string, unknown>[]>);
  const polls = await db.selectFrom('polls').selectAll().where('council_id', '=', councilId).orderBy('created_at').execute();
  const named = polls.filter((p) => Number(p.anonymous) === 0).map((p) => p.id);
  const rounds = await db.selectFrom('nomination_rounds').selectAll().where('council_id', '=', councilId).orderBy('created_at').execute();
  const actionItems = await db.selectFrom('action_items').selectAll().where('council_id', '=', councilId).orderBy('created_at').execute();
  const tables: CouncilExport['tables'] = {
    council_members: await db.selectFrom('council_members').selectAll().where('council_id', '=', councilId).orderBy('added_at').execute(),
    reminder_opt_outs: await db.selectFrom('reminder_opt_outs').selectAll().where('council_id', '=', councilId).execute(),
    meetings,
    agenda_items: await inMeetings('agenda_items'),
    regrets: await inMeetings('regrets'),
    attendance: await inMeetings('attendance'),
    meeting_guests: await inMeetings('meeting_guests'),
    item_times: await inMeetings('item_times'),
    item_notes: await inMeetings('item_notes'),
    decisions: await inMeetings('decisions'),
    reservations: await inMeetings('reservations'),
    protocol_notes: await inMeetings('protocol_notes'),
    minutes: await inMeetings('minutes'),
    minutes_adjusters: await inMeetings('minutes_adjusters'),
    minutes_comments: await inMeetings('minutes_comments'),
    // Names of people erased since, as the approved minutes were signed.
    signed_names: await inMeetings('signed_names'),
    action_items: actionItems,
    action_comments:
      actionItems.length === 0 ? [] : await db.selectFrom('action_comments').selectAll().where('action_item_id', 'in', actionItems.map((a) => a.id)).execute(),
    polls,
    // Named polls only: who voted what in an anonymous poll is never readable, not even here.
    poll_ballots:
      named.length === 0
        ? []
        : (await db.selectFrom('poll_ballots').select(['poll_id', 'voter_id', 'choices', 'voted_at']).where('poll_id', 'in', named).execute()),
    nomination_rounds: rounds,
    nominations: rounds.length === 0 ? [] : await db.selectFrom('nominations').selectAll().where('round_id', 'in', rounds.map((r) => r.id)).execute(),
  };
  return { exportedAt, council, tables };
}
