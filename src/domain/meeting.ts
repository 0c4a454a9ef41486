import { RuleError } from './errors.js';

export const MEETING_STATUSES = ['planned', 'open', 'closed', 'approved', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export interface Meeting {
  id: string;
  councilId: string;
  title: string;
  /** ISO-8601 UTC instants; shown in the council's time zone. */
  startsAt: string;
  endsAt: string;
  place: string | null;
  online: boolean;
  onlineUrl: string | null;
  status: MeetingStatus;
  /** The calendar event this meeting mirrors, once the council's calendar is connected. */
  externalEventId: string | null;
  /** The agenda card message in the council's conversation, so changes update it in place. */
  agendaCardActivityId: string | null;
  /** The attendance card posted at the opening, updated in place as attendance changes. */
  attendanceCardActivityId?: string | null;
  /** While the meeting runs: the item under discussion; when it opened and closed. */
  currentItemId: string | null;
  openedAt: string | null;
  closedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** When the meeting began: its planned start, or its opening when it was opened early. */
export function meetingBegan(meeting: Pick<Meeting, 'startsAt' | 'openedAt'>): string {
  return meeting.openedAt && meeting.openedAt < meeting.startsAt ? meeting.openedAt : meeting.startsAt;
}

export const MEETING_TITLE_MAX = 200;
export const MEETING_PLACE_MAX = 300;
/** A council meeting is a working day at most; longer is a typing mistake. */
export const MEETING_MAX_HOURS = 16;

export function checkMeetingTimes(startsAt: string, endsAt: string): void {
  const start = Date.parse(startsAt);
  const end = Date.parse(endsAt);
  if (!(end > start)) throw new RuleError('error.meetingEndBeforeStart');
  if (end - start > MEETING_MAX_HOURS * 3_600_000) throw new RuleError('error.meetingTooLong', { hours: MEETING_MAX_HOURS });
}
