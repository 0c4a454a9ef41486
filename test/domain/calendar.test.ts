import { describe, expect, it } from 'vitest';
import { belongsToCouncil, checkCategory, checkMailbox, checkSubjectRule, syncWindow } from '../../src/domain/calendar.js';
import { RuleError } from '../../src/domain/errors.js';

const calendar = { mailbox: 'vardvalsradet@region.se', category: 'Vårdvalsråd', subjectRule: 'vårdvalsråd fysioterapi' };

describe('council calendar rules', () => {
  it('recognises the council’s events by category or by the subject rule, ignoring case and spacing', () => {
    expect(belongsToCouncil({ subject: 'Lunch', categories: ['vårdvalsråd'] }, calendar)).toBe(true);
    expect(belongsToCouncil({ subject: 'Extra  VÅRDVALSRÅD Fysioterapi', categories: [] }, calendar)).toBe(true);
    expect(belongsToCouncil({ subject: 'Vårdvalsråd rehab', categories: ['Röd kategori'] }, calendar)).toBe(false);
    expect(belongsToCouncil({ subject: 'Vårdvalsråd fysioterapi', categories: [] }, { ...calendar, subjectRule: null })).toBe(false);
  });

  it('accepts a mailbox address and refuses what is not one', () => {
    expect(checkMailbox(' Vardvalsradet@Region.SE ')).toBe('vardvalsradet@region.se');
    expect(checkMailbox('mailto:rad@vgregion.se')).toBe('rad@vgregion.se');
    for (const bad of ['', 'rådet', 'a@b', 'två ord@region.se', `${'x'.repeat(250)}@region.se`]) {
      expect(() => checkMailbox(bad)).toThrow(RuleError);
    }
  });

  it('checks categories and subject rules', () => {
    expect(checkCategory('  Vårdvalsråd   2027 ')).toBe('Vårdvalsråd 2027');
    expect(() => checkCategory('')).toThrow(RuleError);
    expect(() => checkCategory('a,b')).toThrow(RuleError);
    expect(checkSubjectRule('  ')).toBeNull();
    expect(() => checkSubjectRule('ab')).toThrow(RuleError);
    expect(() => checkSubjectRule('x'.repeat(101))).toThrow(RuleError);
  });

  it('follows a window fixed per month, from a week back to a year ahead', () => {
    expect(syncWindow('2026-11-23T10:00:00.000Z')).toEqual({ start: '2026-10-25T00:00:00.000Z', end: '2027-12-01T00:00:00.000Z' });
    expect(syncWindow('2026-11-30T23:59:00.000Z')).toEqual(syncWindow('2026-11-01T00:00:00.000Z'));
    expect(syncWindow('2026-12-31T12:00:00.000Z').end).toBe('2028-01-01T00:00:00.000Z');
  });
});
