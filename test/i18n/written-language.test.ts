import { describe, expect, it } from 'vitest';
import { writtenLanguage } from '../../src/i18n/written-language.js';

describe('the language a message is written in', () => {
  it.each([
    ['hur skapar jag ett råd?', 'sv'],
    ['Hej, vad kan du göra?', 'sv'],
    ['när är nästa möte', 'sv'],
    ['how do I create a council?', 'en'],
    ['what can you do', 'en'],
    ['Hello there', 'en'],
  ] as const)('%s → %s', (text, locale) => {
    expect(writtenLanguage(text)).toBe(locale);
  });

  it('says nothing when the words do not tell', () => {
    expect(writtenLanguage('ok')).toBeUndefined();
    expect(writtenLanguage('12345')).toBeUndefined();
    expect(writtenLanguage('[logga in igen](https://evil.example/login)')).toBeUndefined();
  });
});
