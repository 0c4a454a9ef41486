import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const botEntry = join(projectRoot, 'dist', 'src', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface BotProcessOptions {
  env?: Record<string, string | undefined>;
  /** A data directory shared across restarts; a fresh temporary one by default. */
  dataDir?: string;
}

/** The compiled bot as its own process, the way it runs in production. */
export class BotProcess {
  child?: ChildProcess;
  port = 0;
  output = '';
  readonly dataDir: string;
  private exited?: Promise<number | null>;

  constructor(private readonly options: BotProcessOptions = {}) {
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'council-bot-'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `waitReady: false` returns once the process is spawned, for a bot that is meant not to be ready yet. */
  async start(options: { waitReady?: boolean } = {}): Promise<this> {
    this.port = await freePort();
    this.output = '';
    const child = spawn(process.execPath, [botEntry], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'info',
        // A test reads the replies once the turn has answered; on a busy machine a turn may take
        // longer than the production default. The tests of late replies set their own.
        REPLY_WAIT_MS: '10000',
        // A suite run under libfaketime (to try it across midnight or a change of summer time)
        // moves the bot's clock with the tests' own.
        ...faketime(),
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    if (options.waitReady !== false) await this.waitReady();
    return this;
  }

  /** The exit code, or undefined while the process runs. */
  get exitCode(): number | null | undefined {
    return this.child?.exitCode ?? (this.child?.signalCode ? null : undefined);
  }

  /** Resolves with the exit code when the process ends by itself. */
  waitExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(`bot exited with ${this.child.exitCode}:\n${this.output}`);
      }
      try {
        const res = await fetch(`${this.url}/readyz`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`bot not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM and wait for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited!;
  }

  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }
}

export function faketime(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^(LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC)$/.test(e[0]) && e[1] !== undefined),
  );
}
