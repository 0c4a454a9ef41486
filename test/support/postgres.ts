import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './bot-process.js';

const execFileAsync = promisify(execFile);

function pgBinDir(): string {
  const fromPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return join(fromPath, '..');
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  }
  throw new Error('PostgreSQL server binaries (initdb) not found: install the postgresql package');
}

export interface PostgresServer {
  url: string;
  /** Stops the server and removes its data. */
  stop(): void;
  /** Shuts the server down, keeping its data: `fast` ends every session with 57P01, as a restart or failover does. */
  shutDown(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same data directory and port. */
  startUp(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server for one test run (or one test that stops and starts it): initdb
 * into a temporary directory (as the postgres user when we are root, since initdb refuses root),
 * trust auth on loopback only. `started: false` leaves it down until `startUp()`.
 */
export async function startPostgres(options: { started?: boolean } = {}): Promise<PostgresServer> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'council-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe', cwd: dir });
    else execFileSync(full, args, { stdio: 'pipe', cwd: dir });
  };
  run('initdb', ['-D', dataDir, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8']);
  // Asynchronous, so that a test's requests keep going while the server stops and starts.
  const runAsync = async (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    if (asRoot) await execFileAsync('runuser', ['-u', 'postgres', '--', full, ...args], { cwd: dir });
    else await execFileAsync(full, args, { cwd: dir });
  };
  const startArgs = [
    '-D',
    dataDir,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ];
  const stopArgs = (mode: string) => ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'];
  if (options.started !== false) run('pg_ctl', startArgs);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    shutDown: (mode = 'fast') => runAsync('pg_ctl', stopArgs(mode)),
    startUp: () => runAsync('pg_ctl', startArgs),
    stop() {
      try {
        if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', stopArgs('immediate'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh, empty database on the run's server, so test files never see each other's rows. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
