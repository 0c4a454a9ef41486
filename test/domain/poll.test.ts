import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleError } from '../../src/domain/errors.js';
import { checkBallot, checkPoll, leaders, parsePollText, tally } from '../../src/domain/poll.js';

const now = '2026-11-23T10:00:00.000Z';
const settings = { question: 'Ska rådet ställa sig bakom remissvaret?', options: ['Ja', 'Nej'], maxChoices: 1, anonymous: false, resultsVisibility: 'live' as const, deadline: null, remindBeforeMinutes: null };
const code = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as RuleError).code;
  }
};

describe('polls', () => {
  it('needs a question and 2–20 distinct options', () => {
    expect(code(() => checkPoll({ ...settings, question: ' ? ' }, now))).toBe('error.pollQuestionMissing');
    expect(code(() => checkPoll({ ...settings, options: [] }, now))).toBe('error.pollOptionCount');
    expect(code(() => checkPoll({ ...settings, options: ['Ja', '  '] }, now))).toBe('error.pollOptionCount');
    expect(code(() => checkPoll({ ...settings, options: Array.from({ length: 21 }, (_, i) => `A${i}`) }, now))).toBe('error.pollOptionCount');
    expect(code(() => checkPoll({ ...settings, options: ['Ja', ' JA'] }, now))).toBe('error.pollOptionDuplicate');
    expect(checkPoll({ ...settings, options: ['  Ja  ', 'Nej', ''] }, now).options).toEqual(['Ja', 'Nej']);
  });

  it('checks the number of choices, the deadline and the reminder', () => {
    expect(code(() => checkPoll({ ...settings, maxChoices: 3 }, now))).toBe('error.pollMaxChoices');
    expect(code(() => checkPoll({ ...settings, deadline: '2026-11-23T09:00:00.000Z' }, now))).toBe('error.pollDeadlinePast');
    expect(code(() => checkPoll({ ...settings, deadline: '2027-06-01T09:00:00.000Z' }, now))).toBe('error.pollDeadlineFar');
    expect(code(() => checkPoll({ ...settings, remindBeforeMinutes: 60 }, now))).toBe('error.pollReminderInvalid');
    expect(code(() => checkPoll({ ...settings, deadline: '2026-11-24T09:00:00.000Z', remindBeforeMinutes: 60 }, now))).toBeUndefined();
  });

  const poll = { options: [{ id: 'o1', text: 'Ja' }, { id: 'o2', text: 'Nej' }, { id: 'o3', text: 'Avstår' }], maxChoices: 2, status: 'open' as const };

  it('accepts only existing options, none twice, within the maximum, in the poll’s order', () => {
    expect(checkBallot(poll, ['o3', 'o1'])).toEqual(['o1', 'o3']);
    expect(code(() => checkBallot(poll, ['o9']))).toBe('error.voteUnknownOption');
    expect(code(() => checkBallot(poll, ['o1', 'o1']))).toBe('error.voteUnknownOption');
    expect(code(() => checkBallot(poll, ['o1', 'o2', 'o3']))).toBe('error.voteTooMany');
    expect(code(() => checkBallot(poll, []))).toBe('error.voteEmpty');
    expect(code(() => checkBallot({ ...poll, status: 'closed' }, ['o1']))).toBe('error.pollClosed');
  });

  it('counts every ballot once per option, with percentages of those who voted', () => {
    const result = tally(poll, [['o1'], ['o1', 'o2'], ['o3']]);
    expect(result.voters).toBe(3);
    expect(result.options.map((o) => [o.votes, o.percent])).toEqual([[2, 67], [1, 33], [1, 33]]);
    expect(leaders(result).map((o) => o.text)).toEqual(['Ja']);
    expect(leaders(tally(poll, []))).toEqual([]);
  });

  it('tallies exactly: every option’s votes are the ballots that name it', () => {
    fc.assert(
      fc.property(fc.array(fc.subarray(['o1', 'o2', 'o3'], { minLength: 1 }), { maxLength: 300 }), (ballots) => {
        const result = tally(poll, ballots);
        expect(result.voters).toBe(ballots.length);
        for (const o of result.options) expect(o.votes).toBe(ballots.filter((b) => b.includes(o.id)).length);
      }),
    );
  });

  it('reads a typed poll: question, then options by line or "|"', () => {
    expect(parsePollText('Fika? | Ja | Nej')).toEqual({ question: 'Fika?', options: ['Ja', 'Nej'] });
    expect(parsePollText('Vem?\n- Anna\n2. Björn')).toEqual({ question: 'Vem?', options: ['Anna', 'Björn'] });
  });
});
