import { findDates, findTime, isValidDate } from './swedish-dates.js';

export type MeetingLineProblem =
  | { kind: 'invalidDate'; date: string }
  | { kind: 'endBeforeStart' }
  | { kind: 'notUnderstood' };

/**
 * Why one typed meeting line (`nytt möte …`) did not become a meeting, so the answer can name
 * the actual mistake instead of a general "not understood".
 */
export function meetingLineProblem(text: string): MeetingLineProblem {
  for (const d of findDates(text)) {
    if (d.month < 1 || d.month > 12 || !isValidDate(d.year ?? 2000, d.month, d.day)) {
      const written = text.slice(d.index, d.index + d.length).trim();
      return { kind: 'invalidDate', date: written };
    }
  }
  if (findTime(text, 'anywhere')?.reversed) return { kind: 'endBeforeStart' };
  return { kind: 'notUnderstood' };
}
