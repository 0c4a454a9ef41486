import type { Activity } from 'botbuilder';
import type { Store } from '../app/ports.js';

/**
 * A shared card whose message id the bot keeps, so later changes update it in place: a meeting's
 * agenda (live) card, a poll's card, a nomination round's card. Data, not a callback: a card the
 * connector took only after the turn had answered, or that went out later through the outbox,
 * still has its id kept.
 */
export interface PostedCardKey {
  kind: 'agendaCard' | 'attendanceCard' | 'pollCard' | 'roundCard';
  id: string;
}

/** Where the key of a reply rides from the handler to the adapter's send (copied with the activity, never serialised). */
export const POSTED_CARD = Symbol('postedCard');

/** The activity, marked so that its message id is kept under `key` once Teams has given it, whenever that is. */
export function keepingId(activity: Partial<Activity>, key: PostedCardKey): Partial<Activity> {
  return Object.assign({ ...activity }, { [POSTED_CARD]: key });
}

export function postedCardKey(activity: Partial<Activity>): PostedCardKey | undefined {
  return (activity as { [POSTED_CARD]?: PostedCardKey })[POSTED_CARD];
}

export async function rememberPosted(store: Pick<Store, 'meetings' | 'polls' | 'nominations'>, key: PostedCardKey, activityId: string): Promise<void> {
  switch (key.kind) {
    case 'agendaCard':
      return store.meetings.setAgendaCard(key.id, activityId);
    case 'attendanceCard':
      return store.meetings.setAttendanceCard(key.id, activityId);
    case 'pollCard':
      return store.polls.setActivity(key.id, activityId);
    case 'roundCard':
      return store.nominations.setRoundActivity(key.id, activityId);
  }
}
