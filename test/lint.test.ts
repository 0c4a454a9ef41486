import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// `npm test` runs `npm run lint` over the whole tree before any test; this checks that the rules
// which keep every regular expression linear are on, catch what they should, and pass on src/.
const LINEAR_RULES = ['regexp/no-super-linear-backtracking', 'regexp/no-super-linear-move', 'regexp/no-dupe-disjunctions'];
const root = new URL('..', import.meta.url).pathname;

describe('the regular expression lint', () => {
  const eslint = new ESLint({ cwd: root });

  it('is part of npm test and covers the whole tree', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.lint).toBe('eslint .');
    expect(scripts.test).toMatch(/npm run lint &&.*vitest run/);
  });

  it.each(['src/teams/commands.ts', 'src/logger.ts', 'src/domain/agenda-line.ts', 'bench/run.ts', 'test/support/fake-graph.ts', 'scripts/package-manifest.mjs'])(
    'has the linear-time rules on as errors for %s',
    async (file) => {
      const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, unknown[]> };
      for (const rule of LINEAR_RULES) expect(config.rules[rule]?.[0], rule).toBe(2);
    },
  );

  it('rejects the patterns that made a message of dots or "<" take seconds', async () => {
    const lines = ["/[.!]+$/.test('x');", "'x'.replace(/<[^>]+>/g, '');", "/^kategori\\s*:?\\s*(.*)$/.exec('x');", "/^(?:[.!])+$/.test('x');"];
    const [result] = await eslint.lintText(`${lines.join('\n')}\n`, { filePath: 'src/teams/example.ts' });
    const rulesOn = (line: number) => new Set(result!.messages.filter((m) => m.line === line).map((m) => m.ruleId));
    expect(rulesOn(1)).toContain('regexp/no-super-linear-move');
    expect(rulesOn(2)).toContain('regexp/no-super-linear-move');
    expect(rulesOn(3)).toContain('regexp/no-super-linear-backtracking');
    // Anchored at the start, a run is read once: allowed.
    expect(rulesOn(4).size).toBe(0);
  });

  // The rest of the tree is `npm run lint`'s: linting it all here would only do that twice.
  it('passes on the parser every message goes through, and on the log', async () => {
    const results = await eslint.lintFiles(['src/teams/commands.ts', 'src/logger.ts']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(problems).toEqual([]);
    expect(results).toHaveLength(2);
  });
});
