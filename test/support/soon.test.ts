import { afterEach, describe, expect, it, vi } from 'vitest';
import { soonMeeting } from './soon.js';

// The e2e suite plans its meetings with this; a run that crosses midnight must still get meetings
// it can open and that last long enough for their agendas.
describe('soonMeeting', () => {
  afterEach(() => vi.useRealTimers());
  const at = (iso: string) => vi.useFakeTimers({ now: new Date(iso), toFake: ['Date'] });

  it('starts in five minutes during the day', () => {
    at('2026-12-07T09:00:00Z');
    expect(soonMeeting(180, 'Rum 1')).toBe('2026-12-07 10:05-13:05 Rum 1');
  });

  it('ends at 23.59 in the evening while at least an hour is left', () => {
    at('2026-12-07T21:00:00Z');
    expect(soonMeeting(180)).toBe('2026-12-07 22:05-23:59');
  });

  it('moves to midnight when too little of the day is left, instead of an empty meeting', () => {
    at('2026-12-07T22:54:30Z');
    expect(soonMeeting(180)).toBe('2026-12-08 00:00-03:00');
    at('2026-12-07T22:58:00Z');
    expect(soonMeeting(30)).toBe('2026-12-08 00:03-00:33');
  });

  it('takes the next day from the calendar across a change to summer time', () => {
    at('2026-03-28T22:50:00Z');
    expect(soonMeeting(60)).toBe('2026-03-29 00:00-01:00');
  });
});
