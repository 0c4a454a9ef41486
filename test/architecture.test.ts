import { describe, expect, it } from 'vitest';
import { CYCLE_RULE, LAYER_RULES, architectureViolations } from './support/architecture.js';

const root = new URL('..', import.meta.url).pathname;
const fixture = new URL('fixtures/architecture/', import.meta.url).pathname;

describe('the architecture', () => {
  it('holds in src: the SDK only in src/teams, a pure domain, no adapter in src/app, no runtime import circle', async () => {
    expect(await architectureViolations(root)).toEqual([]);
  });

  // Each rule catches its violation in a small tree of its own, and lets the allowed imports be.
  it('reports every kind of violation in the fixture tree, and nothing else', async () => {
    const violations = await architectureViolations(fixture);
    expect(violations.sort()).toEqual([
      'app-uses-no-adapter: src/app/replies.ts → botbuilder',
      'app-uses-no-adapter: src/app/uses-store.ts → src/store/repository.ts',
      'domain-is-pure: src/domain/meeting.ts → fs',
      'domain-is-pure: src/domain/meeting.ts → src/app/port.ts',
      'no-runtime-cycle: src/app/agenda.ts → src/app/reminder.ts → src/app/agenda.ts',
      'sdk-only-in-teams: src/app/replies.ts → botbuilder',
      'sdk-only-in-teams: src/store/repository.ts → botbuilder',
    ]);
    expect(new Set(violations.map((v) => v.split(':')[0]))).toEqual(new Set([...LAYER_RULES, CYCLE_RULE].map((r) => r.name)));
  });
});
