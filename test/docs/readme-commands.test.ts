import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/domain/council.js';
import { knownCommands, parseCommand } from '../../src/teams/commands.js';

interface Example {
  text: string;
  column: Locale;
}

/** The command examples in a README's Commands table: the code spans of its Svenska and English columns. */
function tableExamples(readme: string): Example[] {
  const section = /^## Commands\n([\s\S]*?)^## /m.exec(readme);
  if (!section) throw new Error('README.md has no Commands section');
  const rows = section[1]!.split('\n').filter((line) => line.startsWith('|')).slice(2);
  return rows.flatMap((line) => {
    // A "|" inside a code span is written "\|", as GitHub's tables want it.
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    const spans = (cell: string | undefined) => [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\\\|/g, '|'));
    return [...spans(cells[0]).map((text) => ({ text, column: 'sv' as const })), ...spans(cells[1]).map((text) => ({ text, column: 'en' as const }))];
  });
}

/** How the parser reads an example: as Teams delivers it addressed to the bot. */
function parsed(example: Example) {
  return parseCommand(example.text, { addressed: true });
}

/** Examples the parser does not read as a command, or reads as the other language's. */
function unknownTo(examples: readonly Example[]): string[] {
  return examples
    .filter((e) => {
      const command = parsed(e);
      return !command || (command.language !== undefined && command.language !== e.column);
    })
    .map((e) => `${e.column}: ${e.text} → ${JSON.stringify(parsed(e))}`);
}

/** Commands the parser knows, in a language it knows them in, that no example of that language's column is. */
function missingFrom(examples: readonly Example[]): string[] {
  const listed = new Set(examples.map((e) => `${e.column}:${parsed(e)?.kind}`));
  return knownCommands()
    .flatMap(({ kind, language }) => (language ? [language] : (['sv', 'en'] as const)).map((l) => `${l}:${kind}`))
    .filter((key) => !listed.has(key));
}

describe("README.md's Commands table and the command parser", () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const examples = tableExamples(readme);

  it('lists only commands the parser knows, each in its own language’s column', () => {
    expect(examples.length).toBeGreaterThan(40);
    expect(unknownTo(examples)).toEqual([]);
  });

  it('lists every command the parser knows, in each language it knows it in', () => {
    expect(missingFrom(examples)).toEqual([]);
  });

  it('notices a row gone from the table, a command made up, and a word in the wrong column', () => {
    const rows = readme.split('\n');
    const without = rows.filter((line) => !line.startsWith('| `nästa`')).join('\n');
    expect(missingFrom(tableExamples(without))).toEqual(['sv:nextItem', 'en:nextItem', 'sv:previousItem', 'en:previousItem', 'sv:goToItem', 'en:goToItem']);
    const extra = readme.replace('| `möten` | `meetings` |', '| `möten`, `mötesprotokoll` | `meetings`, `hjälp` |');
    expect(unknownTo(tableExamples(extra))).toEqual(['sv: mötesprotokoll → undefined', 'en: hjälp → {"kind":"help","language":"sv"}']);
  });
});
