import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { t } from '../../src/i18n/index.js';
import { sv } from '../../src/i18n/sv.js';

describe('counts of one', () => {
  it('"Jag förstod 1 punkt", not "1 punkter"', () => {
    expect(t('sv', 'agenda.confirmIntro', { count: 1, when: 'tor 14 jan' })).toMatch(/^Jag förstod 1 punkt för mötet tor 14 jan\./);
    expect(t('sv', 'agenda.confirmIntro', { count: 2, when: 'tor 14 jan' })).toMatch(/^Jag förstod 2 punkter /);
    expect(t('sv', 'agenda.confirmIntro', { count: 0, when: 'tor 14 jan' })).toMatch(/^Jag förstod 0 punkter /);
    expect(t('en', 'agenda.confirmIntro', { count: 1, when: 'Thu 14 Jan' })).toMatch(/^I understood 1 item for/);
    expect(t('en', 'agenda.confirmIntro', { count: 3, when: 'Thu 14 Jan' })).toMatch(/^I understood 3 items for/);
  });

  it.each([
    ['sv', 'agenda.imported', 'Dagordningen är importerad: 1 punkt.'],
    ['sv', 'schedule.saved', '1 möte är planerat.'],
    ['sv', 'council.rosterSynced', '1 ny medlem hämtades från konversationen.'],
    ['sv', 'poll.remind.hours', '1 timme före'],
    ['en', 'agenda.untimed', '1 item has no time.'],
    ['en', 'schedule.intro', 'I found 1 meeting in the text. Nothing is saved yet.'],
    ['sv', 'error.voteExceedsPresent', 'Rösterna kan inte vara fler än den enda närvarande ledamoten.'],
  ] as const)('%s %s', (locale, key, text) => {
    expect(t(locale, key, { count: 1 })).toBe(text);
  });

  it('"Rådet har 1 ledamot med rösträtt" when a quorum asks for more members than there are', () => {
    expect(t('sv', 'error.quorumAboveMembers', { count: 1, required: 2 })).toBe('Rådet har 1 ledamot med rösträtt, så beslutförheten kan inte kräva 2.');
    expect(t('en', 'error.quorumAboveMembers', { count: 1, required: 2 })).toBe('The council has 1 voting member, so the quorum cannot require 2.');
    expect(t('sv', 'error.quorumAboveMembers', { count: 3, required: 5 })).toBe('Rådet har 3 ledamöter med rösträtt, så beslutförheten kan inte kräva 5.');
  });

  it('has no "1 <plural>" left where a count of one is written out', () => {
    for (const [locale, catalogue] of [['sv', sv], ['en', en]] as const) {
      for (const key of Object.keys(catalogue) as (keyof typeof sv)[]) {
        // A "…Many" message has a "…One" beside it that its caller picks for one.
        if (!catalogue[key].includes('{count}') || key.endsWith('Many')) continue;
        const one = t(locale, key, { count: 1 });
        expect(one, `${locale} ${key}`).not.toMatch(/(^|\s)1 (punkter|möten|medlemmar|nya medlemmar|minuter|timmar|tidigare kommentarer|närvarande ledamöterna|ledamöter|items|meetings|members|new members|voting members|minutes|hours|earlier comments)\b/);
      }
    }
  });
});
