import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { localeFromTag, t } from '../../src/i18n/index.js';
import { sv } from '../../src/i18n/sv.js';
import { parseCommand } from '../../src/teams/commands.js';

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
