export const ACTION_STATUSES = ['open', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** An åtgärd: owned by one person, reviewed at the next meeting until it is done. */
export interface ActionItem {
  id: string;
  councilId: string;
  meetingId: string | null;
  agendaItemId: string | null;
  ownerUserId: string;
  ownerName: string;
  text: string;
  /** YYYY-MM-DD in the council's time zone. */
  dueDate: string | null;
  status: ActionStatus;
  createdBy: string;
  createdAt: string;
  completedAt: string | null;
  version: number;
}

export interface ActionComment {
  id: string;
  actionItemId: string;
  userId: string;
  text: string;
  createdAt: string;
}

export const ACTION_COMMENT_MAX = 2_000;
