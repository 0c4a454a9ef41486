import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testMember } from '../support/members.js';
import {
  type AttendanceEntry,
  type QuorumRule,
  MINUTES_GROUPS,
  groupAttendance,
  initialAttendance,
  markAttendance,
  quorum,
} from '../../src/domain/attendance.js';
import type { Role } from '../../src/domain/council.js';

const member = (userId: string, role: Role) => testMember(userId, role);

const roster = [member('m1', 'member'), member('chair', 'chair'), member('m2', 'member'), member('sec', 'secretary'), member('m3', 'member'), member('guest:1', 'guest')];
const markAll = (entries: AttendanceEntry[], ids: string[], status: 'present' | 'absent') =>
  ids.reduce((a, id) => markAttendance(a, roster, id, status), entries);

describe('attendance', () => {
  it('starts with återbud pre-filled, guests taking part and everyone else absent', () => {
    expect(initialAttendance(roster, ['m2', 'nobody'])).toEqual([
      { userId: 'm1', status: 'absent' },
      { userId: 'chair', status: 'absent' },
      { userId: 'm2', status: 'regrets' },
      { userId: 'sec', status: 'absent' },
      { userId: 'm3', status: 'absent' },
      { userId: 'guest:1', status: 'guest' },
    ]);
    expect(initialAttendance(roster, new Set(['guest:1'])).at(-1)).toEqual({ userId: 'guest:1', status: 'regrets' });
  });

  it('marks one person without touching the others', () => {
    const start = initialAttendance(roster, ['m2']);
    const after = markAttendance(start, roster, 'm2', 'present');
    expect(after.find((e) => e.userId === 'm2')?.status).toBe('present');
    expect(start.find((e) => e.userId === 'm2')?.status).toBe('regrets');
    expect(after.filter((e) => e.userId !== 'm2')).toEqual(start.filter((e) => e.userId !== 'm2'));
  });

  it('keeps guests as adjungerade and members out of that group', () => {
    const start = initialAttendance(roster, []);
    expect(markAttendance(start, roster, 'guest:1', 'present').at(-1)?.status).toBe('guest');
    expect(markAttendance(start, roster, 'guest:1', 'absent').at(-1)?.status).toBe('absent');
    expect(() => markAttendance(start, roster, 'm1', 'guest')).toThrow(expect.objectContaining({ code: 'error.attendanceGuestOnly' }));
    expect(() => markAttendance(start, roster, 'nobody', 'present')).toThrow(expect.objectContaining({ code: 'error.memberNotFound' }));
  });

  it('adds someone who joined after the meeting opened', () => {
    const late = member('m4', 'member');
    expect(markAttendance(initialAttendance(roster, []), [...roster, late], 'm4', 'present').at(-1)).toEqual({ userId: 'm4', status: 'present' });
  });

  it('groups for the minutes, chair first and secretary last', () => {
    let a = initialAttendance(roster, ['m3']);
    a = markAll(a, ['m1', 'sec', 'chair'], 'present');
    const groups = groupAttendance(a, [...roster, member('late', 'member')]);
    expect(groups.present.map((m) => m.userId)).toEqual(['chair', 'm1', 'sec']);
    expect(groups.absent.map((m) => m.userId)).toEqual(['m2', 'late']);
    expect(groups.regrets.map((m) => m.userId)).toEqual(['m3']);
    expect(groups.guest.map((m) => m.userId)).toEqual(['guest:1']);
    expect(MINUTES_GROUPS.map((g) => g.sv)).toEqual(['Närvarande', 'Frånvarande', 'Återbud', 'Adjungerade']);
  });
});

describe('quorum', () => {
  // Five voting members: chair, secretary and three members.
  it('needs more than half of the voting members by default', () => {
    let a = initialAttendance(roster, []);
    expect(quorum(a, roster)).toEqual({ required: 3, present: 0, met: false });
    a = markAll(a, ['chair', 'm1'], 'present');
    expect(quorum(a, roster)).toEqual({ required: 3, present: 2, met: false });
    a = markAll(a, ['sec'], 'present');
    expect(quorum(a, roster)).toEqual({ required: 3, present: 3, met: true });
    expect(quorum(a, [...roster, member('m4', 'member')])).toEqual({ required: 4, present: 3, met: false });
  });

  it('does not count guests', () => {
    const a = markAll(initialAttendance(roster, []), ['guest:1', 'm1', 'm2'], 'present');
    expect(quorum(a, roster, { kind: 'majority' })).toMatchObject({ present: 2, met: false });
  });

  it('follows a minimum or no rule', () => {
    const a = markAll(initialAttendance(roster, []), ['m1', 'm2'], 'present');
    expect(quorum(a, roster, { kind: 'minimum', count: 2 })).toEqual({ required: 2, present: 2, met: true });
    expect(quorum(a, roster, { kind: 'off' })).toEqual({ required: null, present: 2, met: null });
    for (const count of [0, -1, 1.5, Number.NaN]) {
      expect(() => quorum(a, roster, { kind: 'minimum', count })).toThrow(expect.objectContaining({ code: 'error.quorumInvalid' }));
    }
  });

  it('is monotone in the number present', () => {
    const roles = fc.array(fc.constantFrom<Role>('chair', 'secretary', 'member', 'member', 'guest'), { minLength: 1, maxLength: 15 });
    const rule = fc.oneof(
      fc.constant<QuorumRule>({ kind: 'majority' }),
      fc.integer({ min: 1, max: 15 }).map((count): QuorumRule => ({ kind: 'minimum', count })),
    );
    fc.assert(
      fc.property(roles, rule, fc.infiniteStream(fc.nat()), (rs, r, picks) => {
        const people = rs.map((role, i) => member(role === 'guest' ? `guest:${i}` : `u${i}`, role));
        let a: AttendanceEntry[] = initialAttendance(people, []);
        let before = quorum(a, people, r);
        const order = people.map((p) => p.userId);
        const pick = picks[Symbol.iterator]();
        while (order.length > 0) {
          const [id] = order.splice(pick.next().value % order.length, 1);
          a = markAttendance(a, people, id!, 'present');
          const after = quorum(a, people, r);
          expect(after.present).toBeGreaterThanOrEqual(before.present);
          if (before.met) expect(after.met).toBe(true);
          before = after;
        }
      }),
    );
  });
});
