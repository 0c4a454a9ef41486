import { utcToZoned } from '../../src/domain/meeting-time.js';

const DAY_END = 23 * 60 + 59;
/** Less of the day than this left, and the meeting moves to just after midnight instead. */
const SHORTEST_MEETING = 60;

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * "YYYY-MM-DD HH:MM-HH:MM[ place]" for a meeting that can be opened at once (it starts within the
 * hours a meeting may be opened early), Stockholm time. A meeting is written within one day, so
 * late in the evening a meeting that would not fit before midnight starts at 00.00 the next day
 * instead of shrinking to a few minutes (or to nothing, which is refused): a suite that runs over
 * midnight meets exactly that.
 */
export function soonMeeting(minutes = 120, place?: string): string {
  const soon = Date.now() + 5 * 60_000;
  const start = utcToZoned(new Date(soon).toISOString(), 'Europe/Stockholm');
  const [h, m] = start.time.split(':').map(Number) as [number, number];
  const startMinutes = h * 60 + m;
  const suffix = place ? ` ${place}` : '';
  if (DAY_END - startMinutes >= Math.min(minutes, SHORTEST_MEETING)) {
    return `${start.date} ${start.time}-${hhmm(Math.min(startMinutes + minutes, DAY_END))}${suffix}`;
  }
  const tomorrow = utcToZoned(new Date(soon + (DAY_END + 1 - startMinutes) * 60_000).toISOString(), 'Europe/Stockholm');
  return `${tomorrow.date} 00:00-${hhmm(Math.min(minutes, DAY_END))}${suffix}`;
}
