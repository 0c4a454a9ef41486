import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, settingNames } from '../../src/config.js';

const root = join(import.meta.dirname, '../..');

/** The variables a README's Configuration table names: the code spans of its first column. */
function tableSettings(readme: string): string[] {
  const section = /^## Configuration\n([\s\S]*?)^## /m.exec(readme);
  if (!section) throw new Error('README.md has no Configuration section');
  const lines = section[1]!.split('\n');
  const header = lines.findIndex((line) => /^\|\s*variable\s*\|/.test(line));
  if (header < 0) throw new Error('the Configuration section has no table of variables');
  const rows: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows.flatMap((line) => [...(line.split(/(?<!\\)\|/)[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

const unknownTo = (listed: readonly string[]) => listed.filter((name) => !settingNames().includes(name));
const missingFrom = (listed: readonly string[]) => settingNames().filter((name) => !listed.includes(name));

describe("README.md's Configuration table and the settings src/config.ts reads", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const listed = tableSettings(readme);

  it('names only settings the bot reads', () => {
    expect(listed.length).toBeGreaterThan(40);
    expect(unknownTo(listed)).toEqual([]);
  });

  it('names every setting the bot reads', () => {
    expect(missingFrom(listed)).toEqual([]);
  });

  it('notices a row gone from the table and a setting made up', () => {
    const without = readme
      .split('\n')
      .filter((line) => !line.startsWith('| `PORT`'))
      .join('\n');
    expect(missingFrom(tableSettings(without))).toEqual(['PORT']);
    const extra = readme.replace('| `PORT` |', '| `PORT`, `BOT_PORT` |');
    expect(unknownTo(tableSettings(extra))).toEqual(['BOT_PORT']);
  });

  it('.env.example, which the README says documents every setting, has each of them', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(missingFrom(documented)).toEqual([]);
  });

  it('.env.example, copied as it is, starts the bot in local mode', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const env = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(loadConfig(env).localMode).toBe(true);
  });
});
