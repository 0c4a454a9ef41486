import { type ICruiseResult, type IForbiddenRuleType, cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * The layering of src/ as dependency-cruiser rules. Paths are relative to the folder cruised, so
 * the same rules run over the project and over test/fixtures/architecture.
 */
export const LAYER_RULES: IForbiddenRuleType[] = [
  {
    name: 'sdk-only-in-teams',
    comment: 'The Bot Framework and Teams SDKs stay in the adapter, so that moving to another SDK rewrites one folder.',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/teams/' },
    to: { path: '(^|/)node_modules/(botbuilder|botframework-|@microsoft/(teams-ai|agents))' },
  },
  {
    name: 'domain-is-pure',
    comment: 'The rules of councils and meetings depend on nothing: no other layer, no package, no Node.js module.',
    severity: 'error',
    from: { path: '^src/domain/' },
    to: { pathNot: '^src/domain/' },
  },
  {
    // Ports are interfaces in src/app itself (ports.ts); i18n is the texts, which imports only
    // domain types. AsyncLocalStorage carries the commit scope (app/commit-scope.ts).
    name: 'app-uses-no-adapter',
    comment: 'The use cases reach storage, Graph, Teams, files and telemetry through their ports only.',
    severity: 'error',
    from: { path: '^src/app/' },
    to: { pathNot: ['^src/(app|domain|i18n)/', '^(node:)?async_hooks$'] },
  },
];

/** Type-only imports are erased from the JavaScript, so only the imports left in it can form a circle. */
export const CYCLE_RULE: IForbiddenRuleType = {
  name: 'no-runtime-cycle',
  comment: 'A circle of imports works only while every use waits inside a function body.',
  severity: 'error',
  from: { path: '^src/' },
  to: { circular: true },
};

/** `botbuilder` for ../../node_modules/botbuilder/lib/index.d.ts: the fixture's packages resolve from the project's. */
const packageName = (path: string): string => path.replace(/^(?:\.\.\/)*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1');

const root = new URL('../..', import.meta.url).pathname;

/**
 * The violations in `baseDir`'s src/, one line each. The layer rules see every import, types too;
 * the cycle rule sees the dependencies of the code as TypeScript emits it
 * (`tsPreCompilationDeps: false`): dependency-cruiser's `viaOnly` filter would drop a circle it
 * happened to find through a type import and miss a runtime circle over the same modules.
 */
export async function architectureViolations(baseDir: string): Promise<string[]> {
  const tsConfigFile = `${root}tsconfig.json`;
  const compilerOptions = extractTSConfig(tsConfigFile);
  const run = async (tsPreCompilationDeps: boolean, forbidden: IForbiddenRuleType[]) => {
    const { output } = await cruise(
      ['src'],
      { baseDir, validate: true, ruleSet: { forbidden }, tsPreCompilationDeps, tsConfig: { fileName: tsConfigFile }, doNotFollow: { path: 'node_modules' } },
      {},
      { tsConfig: compilerOptions },
    );
    return (output as ICruiseResult).summary.violations.map((v) =>
      v.cycle ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}` : `${v.rule.name}: ${v.from} → ${packageName(v.to)}`,
    );
  };
  return [...(await run(true, LAYER_RULES)), ...(await run(false, [CYCLE_RULE]))];
}
