/**
 * Whether an imported agenda's own times fit the meeting it is imported into. The chair's times
 * are what the chair planned: when they start at another hour than the meeting, or run past its
 * end, the meeting's time is what may be wrong, and the chair is asked rather than either being
 * bent to fit the other.
 */
import type { ParsedAgendaItem } from './agenda-entries.js';
import { minutesToTime, timeToMinutes } from './meeting-time.js';

export interface TimeMisfit {
  /** The meeting as the agenda has it: from its first time, as long as the meeting was or as the agenda runs. */
  start: string;
  end: string;
}

const LAST_MINUTE = 23 * 60 + 59;

export function agendaTimeMisfit(items: readonly ParsedAgendaItem[], meeting: { start: string; end: string }): TimeMisfit | undefined {
  const meetingStart = timeToMinutes(meeting.start);
  const meetingEnd = timeToMinutes(meeting.end);
  const first = items.find((item) => item.start !== undefined)?.start;
  const start = first === undefined ? undefined : timeToMinutes(first);
  if (meetingStart === undefined || meetingEnd === undefined || start === undefined) return undefined;
  let end = start;
  for (const item of items) {
    for (const time of [item.start, item.end]) {
      const minutes = time === undefined ? undefined : timeToMinutes(time);
      if (minutes !== undefined && minutes > end) end = minutes;
    }
  }
  if (start === meetingStart && end <= meetingEnd) return undefined;
  const proposedEnd = Math.min(LAST_MINUTE, Math.max(end, start + (meetingEnd - meetingStart)));
  return { start: minutesToTime(start), end: minutesToTime(proposedEnd) };
}
