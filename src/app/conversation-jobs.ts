import type { Meeting } from '../domain/meeting.js';
import type { OutboxJob } from './ports.js';

/*
 * What a card action or a typed command shows in the council's conversation besides its own
 * answer. They are queued with the change that causes them and sent by the outbox, so the
 * answer does not wait on Teams: a connector slow to take a message would otherwise hold the
 * invoke past the roughly ten seconds Teams waits, and the chair would see a failure for a
 * change that was saved.
 */

/**
 * The decision's own card, posted once. With `notice`, a further card for it that answers a
 * typed message: a retried "Beslut:" after the card went out, a reservation, a protocol note.
 */
export interface DecisionCardPayload {
  decisionId: string;
  notice?: DecisionNotice;
}

export type DecisionNotice = 'already' | 'reserved' | 'noted';

/** A posted agenda card of the meeting (its live card), updated in place to what the meeting is when the job runs. */
export interface AgendaCardPayload {
  meetingId: string;
  activityId: string;
}

/** An action item's card in the conversation; `confirm` says what the person who typed it is told. */
export interface ActionCardPayload {
  actionItemId: string;
  viewerId: string;
  confirm?: { created: boolean; ownerTold: boolean };
}

export function decisionCardJob(decisionId: string, at: string): OutboxJob {
  return { key: `decision-card:${decisionId}`, kind: 'decisionCard', payload: { decisionId } satisfies DecisionCardPayload, dueAt: at };
}

/** A further card for the same decision; `answerId` (new for each answer) keeps each its own job. */
export function decisionAnswerJob(decisionId: string, notice: DecisionNotice, answerId: string, at: string): OutboxJob {
  return { key: `decision-card:${decisionId}:${notice}:${answerId}`, kind: 'decisionCard', payload: { decisionId, notice } satisfies DecisionCardPayload, dueAt: at };
}

/**
 * Re-armed rather than queued once: changes in quick succession (next, next, a decision) give
 * one or a few updates that show the latest state, not one per change. The card is named: one
 * posted anew later (the meeting opened) does not take the place of the card queued for.
 */
export function agendaCardJob(meetingId: string, activityId: string, at: string): OutboxJob {
  return { key: `agenda-card:${meetingId}:${activityId}`, kind: 'agendaCard', payload: { meetingId, activityId } satisfies AgendaCardPayload, dueAt: at, mode: 'rearm' };
}

export function actionCardJob(payload: ActionCardPayload, answerId: string, at: string): OutboxJob {
  return { key: `action-card:${payload.actionItemId}:${answerId}`, kind: 'actionCard', payload, dueAt: at };
}

/** The update of the meeting's posted agenda card, if it has one, to queue with a change. */
export function liveCardJobs(meeting: Pick<Meeting, 'id' | 'agendaCardActivityId'>, at: string): OutboxJob[] {
  return meeting.agendaCardActivityId ? [agendaCardJob(meeting.id, meeting.agendaCardActivityId, at)] : [];
}

/**
 * The conversation's people, fetched by the outbox when Teams was too slow to give them within
 * the turn. `cardActivityId`: the council card to show them on once fetched (set-up's card);
 * `tell`: say in the chat how many were added (the chair asked for it).
 */
export interface RosterSyncPayload {
  conversationId: string;
  cardActivityId?: string;
  tell?: boolean;
}

export function rosterSyncJob(payload: RosterSyncPayload, answerId: string, at: string): OutboxJob {
  return { key: `roster-sync:${payload.conversationId}:${answerId}`, kind: 'rosterSync', payload, dueAt: at };
}

/** The notice at the bottom of the chat once a meeting is closed: when, and what comes next. */
export interface MeetingClosedPayload {
  meetingId: string;
}

export function meetingClosedJob(meetingId: string, at: string): OutboxJob {
  return { key: `meeting-closed:${meetingId}`, kind: 'meetingClosed', payload: { meetingId } satisfies MeetingClosedPayload, dueAt: at };
}

/** The attendance card posted at the opening, updated in place to the attendance as it is when the job runs. */
export interface AttendanceCardPayload {
  meetingId: string;
  activityId: string;
}

/** Re-armed like the live card's update: a burst of votes gives one or a few updates. */
export function attendanceCardJobs(meeting: Pick<Meeting, 'id' | 'attendanceCardActivityId'>, at: string): OutboxJob[] {
  const activityId = meeting.attendanceCardActivityId;
  if (!activityId) return [];
  return [{ key: `attendance-card:${meeting.id}:${activityId}`, kind: 'attendanceCard', payload: { meetingId: meeting.id, activityId } satisfies AttendanceCardPayload, dueAt: at, mode: 'rearm' }];
}
