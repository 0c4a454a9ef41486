import type { Clock } from '../app/ports.js';
import { utcToZoned } from '../domain/meeting-time.js';

/** Today in a time zone, as YYYY-MM-DD. */
export function todayIn(clock: Clock, timeZone: string): string {
  return utcToZoned(clock.now().toISOString(), timeZone).date;
}

/**
 * A day some days after `today`, for the examples the bot gives: a fixed date in a text would
 * lie in the past one day, and a person copying it would plan a meeting that cannot be held.
 */
export function daysAfter(today: string, days: number): { iso: string; dayMonth: string; year: number } {
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return { iso: date.toISOString().slice(0, 10), dayMonth: `${date.getUTCDate()}/${date.getUTCMonth() + 1}`, year: date.getUTCFullYear() };
}

/** The meeting date examples use: two weeks ahead, as help shows it. */
export function exampleMeetingDay(clock: Clock, timeZone: string): string {
  return daysAfter(todayIn(clock, timeZone), 14).iso;
}
