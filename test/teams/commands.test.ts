import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { localeFromTag, t } from '../../src/i18n/index.js';
import { sv } from '../../src/i18n/sv.js';
import { COMMAND_WINDOW_CHARS, normaliseCommandText, parseCommand, plainText } from '../../src/teams/commands.js';

describe('text commands', () => {
  it.each([
    ['hjälp', 'help'],
    ['Help', 'help'],
    ['  HJÄLP! ', 'help'],
    ['/help', 'help'],
    ['rådet', 'council'],
    ['roles', 'council'],
    ['konfigurera', 'setup'],
    ['set up', 'setup'],
    ['hämta medlemmar', 'syncMembers'],
    ['sync members', 'syncMembers'],
  ])('%s → %s', (text, kind) => {
    expect(parseCommand(text)?.kind).toBe(kind);
  });

  it('knows which language a command was typed in', () => {
    expect(parseCommand('hjälp')).toEqual({ kind: 'help', language: 'sv' });
    expect(parseCommand('Help')).toEqual({ kind: 'help', language: 'en' });
    expect(parseCommand('?')).toEqual({ kind: 'help' });
  });

  it('ignores what is no command', () => {
    expect(parseCommand('hej alla, ses på torsdag')).toBeUndefined();
    expect(parseCommand('')).toBeUndefined();
    expect(parseCommand(undefined)).toBeUndefined();
  });

  it('reads a command out of Teams HTML', () => {
    expect(parseCommand('<p>hjälp</p>&nbsp;')?.kind).toBe('help');
  });
});

describe('text commands on long and hostile text', () => {
  // Anyone can send these in Teams; they used to take seconds to minutes to parse. The lint rules
  // in `npm test` keep every pattern linear and bench/adversarial.ts measures the time; here the
  // parse is checked.
  const MB = 1_000_000;

  it.each([
    // A letter after the run: "[.!]+$" read the whole run from each dot before failing there.
    ['.', `${'.'.repeat(28_000)}x`],
    ['.', '.'.repeat(MB)],
    ['!', `${'!'.repeat(MB)}x`],
    ['<', '<'.repeat(MB)],
    ['&', '&'.repeat(MB)],
    ['<a', '<a'.repeat(MB / 2)],
    ['space', ' '.repeat(MB)],
    ['digit', '7'.repeat(MB)],
    ['å', 'å'.repeat(MB)],
  ])('a run of %s is no command', (_, text) => {
    expect(parseCommand(text)).toBeUndefined();
    expect(normaliseCommandText(text).length).toBeLessThanOrEqual(COMMAND_WINDOW_CHARS);
  });

  it('reads a command before or after a run of dots, spaces or markup', () => {
    expect(parseCommand(`hjälp${'.'.repeat(1000)}`)).toEqual({ kind: 'help', language: 'sv' });
    expect(parseCommand(`Help${'!'.repeat(1000)}`)).toEqual({ kind: 'help', language: 'en' });
    expect(parseCommand(`${' '.repeat(900)}hjälp${' '.repeat(900)}`)).toEqual({ kind: 'help', language: 'sv' });
    expect(parseCommand(`<p>${'&nbsp;'.repeat(100)}nästa${' \n'.repeat(500)}punkt</p>`)).toEqual({ kind: 'nextItem', language: 'sv' });
  });

  it('takes no message longer than the window for a whole-message command', () => {
    expect(parseCommand(`hjälp${'.'.repeat(28_000)}`)).toBeUndefined();
    expect(parseCommand(`hjälp ${'å'.repeat(MB)}`)).toBeUndefined();
    expect(parseCommand(`nästa ${'7'.repeat(MB)}`)).toBeUndefined();
    expect(normaliseCommandText(`hjälp${'.'.repeat(MB)}`)).toBe(`hjälp${'.'.repeat(COMMAND_WINDOW_CHARS - 5)}`);
  });

  it('keeps the whole argument after the command word', () => {
    const digits = '7'.repeat(MB);
    expect(parseCommand(`punkt ${digits}`)).toEqual({ kind: 'goToItem', language: 'sv', args: digits });
    const dots = '.'.repeat(28_000);
    expect(parseCommand(`beslut: ${dots}`)).toEqual({ kind: 'decision', language: 'sv', args: dots });
    const lt = '<'.repeat(MB);
    expect(parseCommand(`omröstning: ${lt}`)).toEqual({ kind: 'poll', language: 'sv', args: lt });
  });

  it('imports an agenda pasted after the command word, however far past the window it runs', () => {
    const agenda = Array.from({ length: 300 }, (_, i) => `${i + 1}. Punkt ${i + 1} – Årsredovisning för förvaltningen (ca 10 min)`).join('\n');
    expect(agenda.length).toBeGreaterThan(5 * COMMAND_WINDOW_CHARS);
    expect(parseCommand(`Dagordning:\n${agenda}`)).toEqual({ kind: 'importAgenda', language: 'sv', args: agenda });
    // As Teams sends it: paragraphs of HTML, with the bot's mention already stripped.
    const html = `<p>dagordning:</p>${agenda.split('\n').map((line) => `<p>${line.replace('–', '&amp;')}</p>`).join('')}`;
    const parsed = parseCommand(html);
    expect(parsed?.kind).toBe('importAgenda');
    expect(parsed?.args?.split('\n')).toHaveLength(300);
    expect(parsed?.args?.split('\n')[299]).toBe('300. Punkt 300 & Årsredovisning för förvaltningen (ca 10 min)');
  });

  it('drops tags and keeps what only looks like one', () => {
    expect(plainText('<div>a<br/>b<BR >c</P>d</li>e</div>')).toBe('a\nb\nc\nd\ne');
    expect(plainText('3 < 5 > 4 <<<<b>x</b> <>')).toBe('3 < 5 > 4 <<<x <>');
    expect(plainText(`${'<'.repeat(MB)}x`)).toBe(`${'<'.repeat(MB)}x`);
    expect(plainText(`a <b ${'<'.repeat(1000)}`)).toBe(`a <b ${'<'.repeat(1000)}`);
    expect(plainText('&amp;lt;p&amp;gt; &lt;b&gt;')).toBe('&lt;p&gt; <b>');
  });
});

describe('message catalogues', () => {
  it('have the same keys and placeholders in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    for (const key of Object.keys(sv) as (keyof typeof sv)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
      expect(names(en[key]), key).toEqual(names(sv[key]));
    }
  });

  it('fills placeholders and picks the language from the Teams locale', () => {
    expect(t('sv', 'error.invalidTimeZone', { zone: 'X/Y' })).toBe('Okänd tidszon: X/Y.');
    expect(localeFromTag('sv-SE', 'en')).toBe('sv');
    expect(localeFromTag('en-GB', 'sv')).toBe('en');
    expect(localeFromTag('fi-FI', 'sv')).toBe('sv');
    expect(localeFromTag(undefined, 'en')).toBe('en');
  });
});

describe('rule errors', () => {
  it('each have a message in both languages', () => {
    const codes = new Set<string>();
    for (const folder of ['domain', 'app', 'teams']) {
      const dir = new URL(`../../src/${folder}/`, import.meta.url);
      for (const file of readdirSync(dir)) {
        for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/RuleError\('([\w.]+)'/g)) codes.add(m[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) expect(Object.hasOwn(sv, code), code).toBe(true);
  });
});
