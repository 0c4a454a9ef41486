import type { Locale } from '../domain/council.js';

/** Text commands, Swedish and English, matched after the @mention is stripped. */
export type CommandKind = 'help' | 'council' | 'setup' | 'syncMembers';

export interface Command {
  kind: CommandKind;
  /** The language the command was typed in; undefined for words both languages share ("?"). */
  language?: Locale;
}

const table: readonly [RegExp, CommandKind, Locale | undefined][] = [
  [/^\?$/, 'help', undefined],
  [/^(hjälp|hjalp)$/, 'help', 'sv'],
  [/^help$/, 'help', 'en'],
  [/^(rådet|rådets medlemmar|roller|medlemmar)$/, 'council', 'sv'],
  [/^(council|roles|members)$/, 'council', 'en'],
  [/^(konfigurera|sätt upp|sätt upp rådet)$/, 'setup', 'sv'],
  [/^(setup|set up|set up council)$/, 'setup', 'en'],
  [/^(hämta medlemmar|uppdatera medlemmar)$/, 'syncMembers', 'sv'],
  [/^(sync members|sync)$/, 'syncMembers', 'en'],
];

export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\//, '')
    .replace(/[.!]+$/, '')
    .toLocaleLowerCase('sv');
}

export function parseCommand(text: string | undefined): Command | undefined {
  const normalised = normaliseCommandText(text);
  for (const [pattern, kind, language] of table) {
    if (pattern.test(normalised)) return language ? { kind, language } : { kind };
  }
  return undefined;
}
