import { describe, expect, it } from 'vitest';
import type { RuleError } from '../../src/domain/errors.js';
import { type Nomination, checkNomination, checkRound, checkSelection, selectionDecisionText } from '../../src/domain/nomination.js';

const now = '2026-11-23T10:00:00.000Z';
const code = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (err) {
    return (err as RuleError).code;
  }
};
const round = { status: 'open' as const, deadline: '2026-11-30T22:59:00.000Z', selfNomination: false, seats: 2 };
const member = (userId: string, name = userId) => ({ kind: 'member' as const, userId, name });

describe('nominations', () => {
  it('checks a round’s name, seats and deadline', () => {
    const settings = { name: 'Arbetsgruppen', purpose: '', seats: 2, deadline: null, selfNomination: true, criteria: '  ' };
    expect(checkRound(settings, now).criteria).toBeNull();
    expect(code(() => checkRound({ ...settings, name: '  ' }, now))).toBe('error.roundNameMissing');
    expect(code(() => checkRound({ ...settings, seats: 0 }, now))).toBe('error.roundSeats');
    expect(code(() => checkRound({ ...settings, seats: 21 }, now))).toBe('error.roundSeats');
    expect(code(() => checkRound({ ...settings, deadline: '2026-11-22T10:00:00.000Z' }, now))).toBe('error.roundDeadlinePast');
  });

  it('refuses self-nomination where not allowed, a second nomination, a late one and bad e-mail', () => {
    expect(code(() => checkNomination(round, [], member('29:a'), '29:a', 'Jag', now))).toBe('error.selfNominationNotAllowed');
    expect(code(() => checkNomination({ ...round, selfNomination: true }, [], member('29:a'), '29:a', 'Jag', now))).toBeUndefined();
    expect(code(() => checkNomination(round, [{ nomineeUserId: '29:b', nomineeEmail: null }], member('29:b'), '29:a', 'Bra', now))).toBe('error.alreadyNominated');
    expect(code(() => checkNomination(round, [], member('29:b'), '29:a', 'Bra', '2026-12-01T00:00:00.000Z'))).toBe('error.roundDeadlinePassed');
    expect(code(() => checkNomination({ ...round, status: 'closed' }, [], member('29:b'), '29:a', 'Bra', now))).toBe('error.roundClosed');
    expect(code(() => checkNomination(round, [], member('29:b'), '29:a', ' ', now))).toBe('error.motivationMissing');
    expect(code(() => checkNomination(round, [], { kind: 'external', name: 'Karin', email: 'karin@x' }, '29:a', 'Bra', now))).toBe('error.externalEmailInvalid');
    const external = checkNomination(round, [], { kind: 'external', name: ' Karin  Lund ', email: 'Karin@Example.org ' }, '29:a', 'Bra', now);
    expect(external.nominee).toEqual({ kind: 'external', name: 'Karin Lund', email: 'karin@example.org' });
  });

  it('selects only those who accepted or are external, at most as many as the seats', () => {
    const n = (id: string, consent: Nomination['consent']) => ({ id, consent }) as Nomination;
    const all = [n('a', 'accepted'), n('b', 'declined'), n('c', 'pending'), n('d', 'external'), n('e', 'accepted')];
    expect(checkSelection(round, all, ['a', 'd']).map((x) => x.id)).toEqual(['a', 'd']);
    expect(code(() => checkSelection(round, all, ['b']))).toBe('error.selectionNotEligible');
    expect(code(() => checkSelection(round, all, ['c']))).toBe('error.selectionNotEligible');
    expect(code(() => checkSelection(round, all, ['a', 'd', 'e']))).toBe('error.selectionTooMany');
    expect(code(() => checkSelection(round, all, []))).toBe('error.selectionEmpty');
  });

  it('drafts the decision in the council’s language', () => {
    expect(selectionDecisionText('sv', 'arbetsgruppen för vårdval', ['Anna', 'Björn', 'Cecilia'])).toBe('Rådet nominerar Anna, Björn och Cecilia till arbetsgruppen för vårdval.');
    expect(selectionDecisionText('en', 'the working group', ['Anna'])).toBe('The council nominates Anna to the working group.');
  });
});
