import { describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER_POLICY, checkReminderPolicy, decodeReminderPolicy, encodeReminderPolicy, reminderTimes } from '../../src/domain/reminders.js';

const zone = 'Europe/Stockholm';

describe('meeting reminders', () => {
  it('comes 7 days and 1 day before at 08.00 local time by default', () => {
    expect(reminderTimes('2026-12-03T12:00:00.000Z', zone, DEFAULT_REMINDER_POLICY, '2026-11-01T00:00:00.000Z')).toEqual([
      { daysBefore: 7, at: '2026-11-26T07:00:00.000Z' },
      { daysBefore: 1, at: '2026-12-02T07:00:00.000Z' },
    ]);
  });

  it('stays at 08.00 on the wall clock across the daylight-saving changes', () => {
    // Summer time starts 29 March 2026 and ends 25 October 2026 in Stockholm.
    expect(reminderTimes('2026-04-02T11:00:00.000Z', zone, DEFAULT_REMINDER_POLICY, '2026-03-01T00:00:00.000Z').map((r) => r.at)).toEqual([
      '2026-03-26T07:00:00.000Z',
      '2026-04-01T06:00:00.000Z',
    ]);
    expect(reminderTimes('2026-10-29T12:00:00.000Z', zone, DEFAULT_REMINDER_POLICY, '2026-10-01T00:00:00.000Z').map((r) => r.at)).toEqual([
      '2026-10-22T06:00:00.000Z',
      '2026-10-28T07:00:00.000Z',
    ]);
  });

  it('drops reminders already past or not before the meeting', () => {
    expect(reminderTimes('2026-12-03T12:00:00.000Z', zone, DEFAULT_REMINDER_POLICY, '2026-11-30T00:00:00.000Z').map((r) => r.daysBefore)).toEqual([1]);
    expect(reminderTimes('2026-12-03T06:00:00.000Z', zone, { daysBefore: [0], at: '08:00' }, '2026-11-30T00:00:00.000Z')).toEqual([]);
  });

  it('checks and stores a council’s policy, falling back to the default on anything unreadable', () => {
    expect(checkReminderPolicy({ daysBefore: [1, 7, 7], at: '07:30' })).toEqual({ daysBefore: [7, 1], at: '07:30' });
    expect(() => checkReminderPolicy({ daysBefore: [61], at: '08:00' })).toThrow();
    expect(() => checkReminderPolicy({ daysBefore: [1], at: '25:00' })).toThrow();
    expect(decodeReminderPolicy(encodeReminderPolicy({ daysBefore: [3], at: '09:00' }))).toEqual({ daysBefore: [3], at: '09:00' });
    expect(decodeReminderPolicy('garbage')).toEqual(DEFAULT_REMINDER_POLICY);
  });
});
