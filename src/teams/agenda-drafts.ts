import { randomUUID } from 'node:crypto';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import type { ParsedAgendaItem } from '../domain/agenda-text.js';
import type { TimeMisfit } from '../domain/agenda-fit.js';
import type { Participant } from '../domain/invitation.js';
import type { MeetingInput } from '../app/meetings.js';

/** An imported agenda waiting for the chair's confirmation; kept in the conversation's turn state. */
export interface AgendaDraft {
  meetingId: string;
  version: number;
  items: ParsedAgendaItem[];
  createdAt: string;
  /** Where the meeting would move to for the agenda's own times, when they do not fit it. */
  moveTo?: TimeMisfit;
  /** From a pasted invitation: participants who are not council members, each to be ticked to become a guest. */
  guests?: Participant[];
  /** From a pasted invitation: its next meetings, planned when the chair ticks them. */
  meetings?: MeetingInput[];
  /** Set once saved, so a retried confirmation answers with the agenda instead of failing. */
  savedAt?: string;
}

interface DraftState {
  agendaDrafts?: Record<string, AgendaDraft>;
}

/** Only the newest few drafts are kept; an older confirmation card then says it has expired. */
const KEEP = 3;

function drafts(state: TurnState): Record<string, AgendaDraft> {
  const conversation = state.conversation as DraftState;
  conversation.agendaDrafts ??= {};
  return conversation.agendaDrafts;
}

export function putDraft(state: TurnState, draft: AgendaDraft): string {
  const all = drafts(state);
  const id = randomUUID();
  all[id] = draft;
  const ids = Object.keys(all).sort((a, b) => all[a]!.createdAt.localeCompare(all[b]!.createdAt));
  for (const old of ids.slice(0, Math.max(0, ids.length - KEEP))) delete all[old];
  return id;
}

export function getDraft(state: TurnState, id: string): AgendaDraft | undefined {
  return drafts(state)[id];
}

export function markSaved(state: TurnState, id: string, at: string): void {
  const draft = drafts(state)[id];
  if (draft) {
    draft.savedAt = at;
    draft.items = [];
  }
}

export function dropDraft(state: TurnState, id: string): void {
  delete drafts(state)[id];
}
