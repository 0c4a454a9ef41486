// A supervisor that reads the bot's log through a pipe may go first (a crashed log shipper, a
// closed terminal pager). SIGTERM must still stop the bot within its grace period.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { botEntry, freePort, projectRoot } from '../support/bot-process.js';

const GRACE_MS = 1_000;
/** Well past the grace period and the bot's margin after it: reaching it means the bot hung. */
const HUNG_AFTER_MS = 30_000;

describe('stopping with the log pipe closed', () => {
  const started: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it.each([
    ['stdout', ['stdout']],
    ['stdout and stderr', ['stdout', 'stderr']],
  ] as const)('exits with 0 on SIGTERM after its %s reader went away', async (_name, closed) => {
    const port = await freePort();
    const child = spawn(process.execPath, [botEntry], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'council-bot-')),
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // A turn, so the bot has written to the pipe since its reader went away.
    for (const stream of closed) child[stream]!.destroy();
    await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', body: '{}' });

    child.kill('SIGTERM');
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), HUNG_AFTER_MS).unref());
    expect(await Promise.race([exited, hung])).toBe('code 0');
  }, HUNG_AFTER_MS + 20_000);
});
