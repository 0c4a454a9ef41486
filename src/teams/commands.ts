/** Text commands, Swedish and English, matched after the @mention is stripped. */
export type Command = { kind: 'help' } | { kind: 'council' } | { kind: 'setup' } | { kind: 'syncMembers' };

const table: readonly [RegExp, Command][] = [
  [/^(hjälp|hjalp|help|\?)$/, { kind: 'help' }],
  [/^(rådet|rådets medlemmar|roller|medlemmar|council|roles|members)$/, { kind: 'council' }],
  [/^(konfigurera|sätt upp|sätt upp rådet|setup|set up|set up council)$/, { kind: 'setup' }],
  [/^(hämta medlemmar|uppdatera medlemmar|sync members|sync)$/, { kind: 'syncMembers' }],
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
  for (const [pattern, command] of table) {
    if (pattern.test(normalised)) return command;
  }
  return undefined;
}
