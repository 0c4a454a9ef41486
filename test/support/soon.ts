import { utcToZoned } from '../../src/domain/meeting-time.js';

/**
 * "YYYY-MM-DD HH:MM-HH:MM[ place]" for a meeting that starts in five minutes, Stockholm time,
 * so it can be opened at once (the end is kept within the day).
 */
export function soonMeeting(minutes = 120, place?: string): string {
  const start = utcToZoned(new Date(Date.now() + 5 * 60_000).toISOString(), 'Europe/Stockholm');
  const [h, m] = start.time.split(':').map(Number) as [number, number];
  const endMinutes = Math.min(h * 60 + m + minutes, 23 * 60 + 59);
  const end = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  return `${start.date} ${start.time}-${end}${place ? ` ${place}` : ''}`;
}
