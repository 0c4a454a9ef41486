import { describe, expect, it } from 'vitest';
import { meetingLineProblem } from '../../src/domain/meeting-line.js';

describe('why a meeting line was not understood', () => {
  it('names an impossible date as written', () => {
    expect(meetingLineProblem('2027-02-30 13:00-16:00')).toEqual({ kind: 'invalidDate', date: '2027-02-30' });
    expect(meetingLineProblem('31 februari 13-16')).toEqual({ kind: 'invalidDate', date: '31 februari' });
  });

  it('notices an end before the start', () => {
    expect(meetingLineProblem('2027-12-09 16:00-13:00 Regionens hus')).toEqual({ kind: 'endBeforeStart' });
  });

  it('otherwise says it was not understood', () => {
    expect(meetingLineProblem('snart i salen')).toEqual({ kind: 'notUnderstood' });
  });
});
