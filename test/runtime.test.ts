import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The Node.js versions are written in several files that nothing else ties together; a change to
// one of them that forgets the others fails here rather than on the App Service.
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const primary = /^primary=(\d+)$/m.exec(read('scripts/node.sh'))?.[1];

describe('the Node.js runtime', () => {
  it('is at least 22.12, and the primary runtime is the one the App Service runs', () => {
    expect(engines).toBe('>=22.12');
    expect(primary).toBeDefined();
    for (const bicep of ['infra/main.bicep', 'infra/bot-local.bicep']) {
      for (const [, major] of read(bicep).matchAll(/linuxFxVersion: 'NODE\|(\d+)-lts'/g)) expect(major).toBe(primary);
    }
    expect(read('infra/main.bicep')).toContain(`linuxFxVersion: 'NODE|${primary}-lts'`);
    expect(read('README.md')).toContain(`Node.js ${primary} LTS`);
    expect(read('README.md')).toContain(`\`NODE|${primary}-lts\``);
  });

  it('CI runs the suite on the primary runtime and on the oldest major the engines accept', () => {
    const ci = read('.ci/run');
    expect(ci).toContain('scripts/node.sh npm ci && scripts/node.sh npm test');
    expect(ci).toContain(`scripts/test-on-node.sh ${/\d+/.exec(engines)![0]}`);
  });

  it('the README starts and tests the bot through scripts/node.sh, as CI does', () => {
    const readme = read('README.md');
    expect(readme).toContain('scripts/node.sh npm install && scripts/node.sh npm start');
    expect(readme).toContain('scripts/install-system-deps.sh && scripts/node.sh npm ci && scripts/node.sh npm test');
  });
});
