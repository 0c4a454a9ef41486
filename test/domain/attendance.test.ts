import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testMember } from '../support/members.js';
import {
  type AttendanceEntry,
  type QuorumRule,
  MINUTES_GROUPS,
  groupAttendance,
  actedEntry,
  openingAttendance,
  markAttendance,
  quorum,
} from '../../src/domain/attendance.js';
import type { CouncilMember, Role } from '../../src/domain/council.js';

/** Attendance before anyone is marked: återbud as given, guests taking part, everyone else to confirm. */
function notYetTaken(members: readonly CouncilMember[], regrets: Iterable<string>): AttendanceEntry[] {
  const sent = new Set(regrets);
  return members.map((m) => ({ userId: m.userId, status: sent.has(m.userId) ? 'regrets' : m.role === 'guest' ? 'guest' : 'unconfirmed' }));
}


const member = (userId: string, role: Role) => testMember(userId, role);

const roster = [member('m1', 'member'), member('chair', 'chair'), member('m2', 'member'), member('sec', 'secretary'), member('m3', 'member'), member('guest:1', 'guest')];
const markAll = (entries: AttendanceEntry[], ids: string[], status: 'present' | 'absent') =>
  ids.reduce((a, id) => markAttendance(a, roster, id, status), entries);

describe('attendance', () => {
  it('opens with the chair and the opener present, återbud as sent, and the rest to confirm', () => {
    const at = '2026-12-03T12:42:00.000Z';
    expect(openingAttendance(roster, ['m2', 'nobody'], 'sec', at)).toEqual([
      { userId: 'm1', status: 'unconfirmed', source: 'opening' },
      { userId: 'chair', status: 'present', source: 'opening', reason: null, reasonAt: null },
      { userId: 'm2', status: 'regrets', source: 'opening' },
      { userId: 'sec', status: 'present', source: 'opening', reason: 'opened', reasonAt: at },
      { userId: 'm3', status: 'unconfirmed', source: 'opening' },
      { userId: 'guest:1', status: 'unconfirmed', source: 'opening' },
    ]);
    // Taken before the opening: kept as the secretary marked it.
    const before = [{ userId: 'm1', status: 'absent' as const, source: 'chair' as const }];
    expect(openingAttendance(roster, [], 'chair', at, before).map((e) => e.userId)).not.toContain('m1');
  });

  it('counts whoever acts as present, with what and when, unless the chair said otherwise', () => {
    const at = '2026-12-03T12:42:00.000Z';
    const m1 = roster[0]!;
    expect(actedEntry({ userId: 'm1', status: 'unconfirmed', source: 'opening' }, m1, 'voted', at)).toEqual({ userId: 'm1', status: 'present', source: 'acted', reason: 'voted', reasonAt: at });
    expect(actedEntry({ userId: 'm1', status: 'regrets', source: 'opening' }, m1, 'voted', at)?.status).toBe('present');
    expect(actedEntry(undefined, m1, 'recorded', at)?.status).toBe('present');
    expect(actedEntry({ userId: 'm1', status: 'absent', source: 'chair' }, m1, 'voted', at)).toBeUndefined();
    expect(actedEntry({ userId: 'm1', status: 'present', source: 'acted', reason: 'voted', reasonAt: at }, m1, 'recorded', '2026-12-03T13:00:00.000Z')).toBeUndefined();
    expect(actedEntry({ userId: 'm1', status: 'present', source: 'chair' }, m1, 'noted', at)).toMatchObject({ source: 'chair', reason: 'noted' });
    // What the person did stays beside a status the chair confirms, and goes with one that says they were not there.
    const acted = [{ userId: 'm1', status: 'present' as const, source: 'acted' as const, reason: 'voted' as const, reasonAt: at }];
    expect(markAttendance(acted, roster, 'm1', 'present')[0]).toMatchObject({ source: 'chair', reason: 'voted' });
    expect(markAttendance(acted, roster, 'm1', 'absent')[0]).toMatchObject({ source: 'chair', reason: null });
  });

  it('marks one person without touching the others', () => {
    const start = notYetTaken(roster, ['m2']);
    const after = markAttendance(start, roster, 'm2', 'present');
    expect(after.find((e) => e.userId === 'm2')?.status).toBe('present');
    expect(start.find((e) => e.userId === 'm2')?.status).toBe('regrets');
    expect(after.filter((e) => e.userId !== 'm2')).toEqual(start.filter((e) => e.userId !== 'm2'));
  });

  it('keeps guests as adjungerade and members out of that group', () => {
    const start = notYetTaken(roster, []);
    expect(markAttendance(start, roster, 'guest:1', 'present').at(-1)?.status).toBe('guest');
    expect(markAttendance(start, roster, 'guest:1', 'absent').at(-1)?.status).toBe('absent');
    expect(() => markAttendance(start, roster, 'm1', 'guest')).toThrow(expect.objectContaining({ code: 'error.attendanceGuestOnly' }));
    expect(() => markAttendance(start, roster, 'nobody', 'present')).toThrow(expect.objectContaining({ code: 'error.memberNotFound' }));
  });

  it('adds someone who joined after the meeting opened', () => {
    const late = member('m4', 'member');
    expect(markAttendance(notYetTaken(roster, []), [...roster, late], 'm4', 'present').at(-1)).toMatchObject({ userId: 'm4', status: 'present' });
  });

  it('groups for the minutes, chair first and secretary last', () => {
    let a = notYetTaken(roster, ['m3']);
    a = markAll(a, ['m1', 'sec', 'chair'], 'present');
    const groups = groupAttendance(a, [...roster, member('late', 'member')]);
    expect(groups.present.map((m) => m.userId)).toEqual(['chair', 'm1', 'sec']);
    expect(groups.unconfirmed.map((m) => m.userId)).toEqual(['m2', 'late']);
    expect(groups.regrets.map((m) => m.userId)).toEqual(['m3']);
    expect(groups.guest.map((m) => m.userId)).toEqual(['guest:1']);
    expect(MINUTES_GROUPS.map((g) => g.sv)).toEqual(['Närvarande', 'Frånvarande', 'Återbud', 'Adjungerade', 'Närvaro inte bekräftad']);
  });
});

describe('quorum', () => {
  // Five voting members: chair, secretary and three members.
  it('needs more than half of the voting members by default', () => {
    let a = notYetTaken(roster, []);
    expect(quorum(a, roster)).toEqual({ required: 3, present: 0, met: false });
    a = markAll(a, ['chair', 'm1'], 'present');
    expect(quorum(a, roster)).toEqual({ required: 3, present: 2, met: false });
    a = markAll(a, ['sec'], 'present');
    expect(quorum(a, roster)).toEqual({ required: 3, present: 3, met: true });
    expect(quorum(a, [...roster, member('m4', 'member')])).toEqual({ required: 4, present: 3, met: false });
  });

  it('does not count guests', () => {
    const a = markAll(notYetTaken(roster, []), ['guest:1', 'm1', 'm2'], 'present');
    expect(quorum(a, roster, { kind: 'majority' })).toMatchObject({ present: 2, met: false });
  });

  it('follows a minimum or no rule', () => {
    const a = markAll(notYetTaken(roster, []), ['m1', 'm2'], 'present');
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
        let a: AttendanceEntry[] = notYetTaken(people, []);
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
