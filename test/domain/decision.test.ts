import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testMember } from '../support/members.js';
import { type AttendanceEntry, markAttendance } from '../../src/domain/attendance.js';
import type { CouncilMember, Role } from '../../src/domain/council.js';

/** Attendance before anyone is marked: återbud as given, guests taking part, everyone else to confirm. */
function notYetTaken(members: readonly CouncilMember[], regrets: Iterable<string>): AttendanceEntry[] {
  const sent = new Set(regrets);
  return members.map((m) => ({ userId: m.userId, status: sent.has(m.userId) ? 'regrets' : m.role === 'guest' ? 'guest' : 'unconfirmed' }));
}

import {
  DECISION_TEXT_MAX,
  type ParticipationContext,
  checkDecision,
  checkProtocolNote,
  checkReservation,
  checkVote,
  parseDecisionText,
} from '../../src/domain/decision.js';
import type { MeetingStatus } from '../../src/domain/meeting.js';

const member = (userId: string, role: Role) => testMember(userId, role);

describe('parseDecisionText', () => {
  it('strips the prefix and keeps the decision whole', () => {
    expect(parseDecisionText('Beslut: Rådet beslutar att godkänna förslaget.')).toEqual({
      text: 'Rådet beslutar att godkänna förslaget.',
      outcome: 'decided',
      problems: [],
    });
    expect(parseDecisionText('decision:   the council approves the proposal')).toMatchObject({ text: 'The council approves the proposal', outcome: 'decided' });
    expect(parseDecisionText('BESLUT:rådet beslutar\n\n\natt godkänna\natt återkomma')).toMatchObject({ text: 'Rådet beslutar\n\natt godkänna\natt återkomma' });
  });

  it('recognises tabling with its reason', () => {
    expect(parseDecisionText('Beslut: Ärendet bordläggs på grund av att underlaget saknas.')).toEqual({
      text: 'Ärendet bordläggs på grund av att underlaget saknas.',
      outcome: 'tabled',
      reason: 'Underlaget saknas',
      problems: [],
    });
    expect(parseDecisionText('Rådet beslutar att bordlägga ärendet eftersom föredraganden är sjuk')).toMatchObject({ outcome: 'tabled', reason: 'Föredraganden är sjuk' });
    expect(parseDecisionText('Ärendet bordläggs i avvaktan på yttrande från nämnden. Det tas upp igen i maj.')).toMatchObject({
      outcome: 'tabled',
      reason: 'I avvaktan på yttrande från nämnden',
    });
    expect(parseDecisionText('Ärendet bordlagt pga. sjukdom')).toMatchObject({ outcome: 'tabled', reason: 'Sjukdom' });
    expect(parseDecisionText('Decision: The item is tabled because the report is late.')).toMatchObject({ outcome: 'tabled', reason: 'The report is late' });
    expect(parseDecisionText('The council decided to table the matter due to lack of time')).toMatchObject({ outcome: 'tabled', reason: 'Lack of time' });
  });

  it('recognises återremiss with its reason', () => {
    expect(parseDecisionText('Beslut: Ärendet återremitteras till förvaltningen för komplettering av ekonomiska konsekvenser.')).toMatchObject({
      outcome: 'referredBack',
      reason: 'För komplettering av ekonomiska konsekvenser',
      problems: [],
    });
    expect(parseDecisionText('Rådet beslutar att återremittera ärendet på grund av att remissvaren saknas')).toMatchObject({
      outcome: 'referredBack',
      reason: 'Remissvaren saknas',
    });
    expect(parseDecisionText('Decision: The proposal is referred back to the administration for further analysis.')).toMatchObject({
      outcome: 'referredBack',
      reason: 'For further analysis',
    });
    expect(parseDecisionText('The board refers the matter back because costs are unclear')).toMatchObject({ outcome: 'referredBack', reason: 'Costs are unclear' });
  });

  it('asks for a missing reason instead of inventing one', () => {
    expect(parseDecisionText('Beslut: Ärendet bordläggs.')).toMatchObject({ outcome: 'tabled', problems: ['noReason'] });
    expect(parseDecisionText('Ärendet återremitteras')).toMatchObject({ outcome: 'referredBack', problems: ['noReason'] });
    expect(parseDecisionText('Ärendet återremitteras').reason).toBeUndefined();
  });

  it('reads negations and motions about tabling as decisions', () => {
    expect(parseDecisionText('Rådet beslutar att inte bordlägga ärendet').outcome).toBe('decided');
    expect(parseDecisionText('Ärendet bordläggs inte utan avgörs i dag').outcome).toBe('decided');
    expect(parseDecisionText('Rådet avslår yrkandet om återremiss och godkänner förslaget').outcome).toBe('decided');
    expect(parseDecisionText('Yrkande om bordläggning avslås').outcome).toBe('decided');
    expect(parseDecisionText('The item is not tabled').outcome).toBe('decided');
    expect(parseDecisionText('The council approves the table of costs').outcome).toBe('decided');
  });

  it('flags a text that both tables and refers back', () => {
    expect(parseDecisionText('Punkt 3 bordläggs för mer information, punkt 4 återremitteras')).toMatchObject({
      outcome: 'tabled',
      problems: ['ambiguousOutcome'],
    });
  });

  it('reports an empty decision', () => {
    expect(parseDecisionText('Beslut:')).toEqual({ text: '', outcome: 'decided', problems: ['noText'] });
    expect(parseDecisionText('  ... ')).toMatchObject({ problems: ['noText'] });
  });

  it('never throws and stays fast on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        expect(parseDecisionText(text).problems).toBeInstanceOf(Array);
      }),
      { numRuns: 500 },
    );
    const started = performance.now();
    parseDecisionText(`Beslut: ${'återremitteras inte '.repeat(1_000)}`);
    parseDecisionText(`Beslut: refer ${'x '.repeat(10_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('checkDecision', () => {
  it('accepts a decision, trims it and keeps the vote', () => {
    expect(checkDecision({ text: '  Rådet godkänner förslaget ', outcome: 'decided', vote: { for: 4, against: 1, abstain: 0 } }, 5)).toEqual({
      text: 'Rådet godkänner förslaget',
      outcome: 'decided',
      reason: null,
      vote: { for: 4, against: 1, abstain: 0 },
    });
  });

  it('needs a reason to table or refer back', () => {
    expect(() => checkDecision({ text: 'Bordläggs', outcome: 'tabled' }, 5)).toThrow(expect.objectContaining({ code: 'error.decisionReasonRequired' }));
    expect(() => checkDecision({ text: 'Återremitteras', outcome: 'referredBack', reason: '  ' }, 5)).toThrow(
      expect.objectContaining({ code: 'error.decisionReasonRequired' }),
    );
    expect(checkDecision({ text: 'Bordläggs', outcome: 'tabled', reason: ' Underlag saknas ' }, 5).reason).toBe('Underlag saknas');
  });

  it('refuses empty, overlong and unknown decisions', () => {
    expect(() => checkDecision({ text: ' ', outcome: 'decided' }, 5)).toThrow(expect.objectContaining({ code: 'error.decisionEmpty' }));
    expect(() => checkDecision({ text: 'x'.repeat(20_000), outcome: 'decided' }, 5)).toThrow(
      expect.objectContaining({ code: 'error.decisionTooLong', params: { max: DECISION_TEXT_MAX } }),
    );
    expect(() => checkDecision({ text: 'x', outcome: 'postponed' as never }, 5)).toThrow(expect.objectContaining({ code: 'error.decisionOutcomeInvalid' }));
    expect(() => checkDecision({ text: 'x', outcome: 'tabled', reason: 'r'.repeat(1_001) }, 5)).toThrow(
      expect.objectContaining({ code: 'error.decisionReasonTooLong' }),
    );
  });

  it('checks vote counts against the number present', () => {
    expect(() => checkVote({ for: 3, against: 2, abstain: 1 }, 5)).toThrow(expect.objectContaining({ code: 'error.voteExceedsPresent', params: { count: 5 } }));
    expect(() => checkVote({ for: 3, against: 2, abstain: 0 }, 5)).not.toThrow();
    for (const bad of [{ for: -1, against: 0, abstain: 0 }, { for: 1.5, against: 0, abstain: 0 }, { for: 0, against: 0, abstain: 0 }, { for: Number.NaN, against: 1, abstain: 0 }]) {
      expect(() => checkVote(bad, 5)).toThrow(expect.objectContaining({ code: 'error.voteInvalid' }));
    }
  });

  it('accepts exactly the votes that fit', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(30), fc.nat(30), fc.nat(60), (f, a, s, present) => {
        const total = f + a + s;
        const ok = total >= 1 && total <= present;
        let thrown = false;
        try {
          checkVote({ for: f, against: a, abstain: s }, present);
        } catch {
          thrown = true;
        }
        expect(thrown).toBe(!ok);
      }),
    );
  });
});

describe('reservations and protocol notes', () => {
  const roster = [member('chair', 'chair'), member('m1', 'member'), member('m2', 'member'), member('guest:1', 'guest')];
  let attendance = notYetTaken(roster, ['m2']);
  attendance = markAttendance(attendance, roster, 'chair', 'present');
  attendance = markAttendance(attendance, roster, 'm1', 'present');
  const ctx = (userId: string, status: MeetingStatus = 'open'): ParticipationContext => ({ status, attendance, members: roster, userId });

  it('lets a present voting member reserve while the meeting is open, once', () => {
    expect(() => checkReservation(ctx('m1'), 'd1', null)).not.toThrow();
    expect(() => checkReservation(ctx('m1'), 'd1', 'Jag anser att kostnaderna är för höga')).not.toThrow();
    expect(() => checkReservation(ctx('m1'), 'd1', null, [{ decisionId: 'd1', userId: 'm1', text: null, createdAt: 'x' }])).toThrow(
      expect.objectContaining({ code: 'error.reservationDuplicate' }),
    );
    expect(() => checkReservation(ctx('m1'), 'd2', null, [{ decisionId: 'd1', userId: 'm1', text: null, createdAt: 'x' }])).not.toThrow();
  });

  it('refuses reservations from the absent, guests, outsiders and after closing', () => {
    expect(() => checkReservation(ctx('m2'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.notPresent' }));
    expect(() => checkReservation(ctx('guest:1'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.reservationNotVoting' }));
    expect(() => checkReservation(ctx('stranger'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.notMember' }));
    expect(() => checkReservation(ctx('m1', 'closed'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.reservationClosed' }));
    expect(() => checkReservation(ctx('m1', 'approved'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.reservationClosed' }));
    expect(() => checkReservation(ctx('m1', 'planned'), 'd1', null)).toThrow(expect.objectContaining({ code: 'error.meetingNotOpen' }));
    expect(() => checkReservation(ctx('m1'), 'd1', 'x'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'error.reservationTooLong' }));
  });

  it('takes protocol notes from everyone who took part until the minutes are approved', () => {
    for (const status of ['open', 'closed'] as const) {
      expect(() => checkProtocolNote(ctx('m1', status), 'Jag vill tillföra att …')).not.toThrow();
      expect(() => checkProtocolNote(ctx('guest:1', status), 'Förvaltningen återkommer')).not.toThrow();
    }
    expect(() => checkProtocolNote(ctx('m1', 'approved'), 'Sent')).toThrow(expect.objectContaining({ code: 'error.protocolNoteClosed' }));
    expect(() => checkProtocolNote(ctx('m1', 'cancelled'), 'Sent')).toThrow(expect.objectContaining({ code: 'error.meetingNotOpen' }));
    expect(() => checkProtocolNote(ctx('m2', 'closed'), 'Jag var inte där')).toThrow(expect.objectContaining({ code: 'error.notPresent' }));
    expect(() => checkProtocolNote(ctx('m1'), '  ')).toThrow(expect.objectContaining({ code: 'error.protocolNoteEmpty' }));
    expect(() => checkProtocolNote(ctx('m1'), 'x'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'error.protocolNoteTooLong' }));
  });
});
