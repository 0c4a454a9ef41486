#!/usr/bin/env node
// Local development: the compiled bot plus the Microsoft 365 Agents Playground.
//
//   npm start                      (builds first, then runs this script)
//   PORT=3978 PLAYGROUND_PORT=56150 node scripts/start-local.mjs
//
// Starts `node dist/src/main.js` (inheriting the environment; without BOT_ID/BOT_PASSWORD
// the bot runs in local mode, which is what the Playground needs), waits until /readyz
// answers 200, then starts the Playground pointed at the bot's /api/messages. Ctrl+C
// (SIGINT) or SIGTERM is forwarded to both; when either child exits the other is stopped
// and this script exits with the first child's exit code.
//
// Environment:
//   PORT                  bot port (default 3978)
//   HOST                  bot bind address (the bot's default without credentials is 127.0.0.1)
//   PLAYGROUND_PORT       Playground port (default 56150; the Playground falls back to a
//                         random free port if it is taken; the real one is printed)
//   PLAYGROUND_CHANNEL    channel to emulate (default msteams)
//   PLAYGROUND_AS         who the Playground's user is: chair (default), secretary or member —
//                         playground/<as>.yml; the same people, group chat and team in each, so
//                         a restart as someone else reaches the same council
//   BOT_READY_TIMEOUT_MS  how long to wait for /readyz (default 60000)
//   M365_AGENTS_PLAYGROUND_LOGFILE  Playground log (default <DATA_DIR>/m365agentsplayground.log)
//
// Only Node built-ins are used.

import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const botEntry = resolve(root, 'dist', 'src', 'main.js');

const botPort = parsePort('PORT', process.env.PORT, 3978);
const playgroundPort = parsePort('PLAYGROUND_PORT', process.env.PLAYGROUND_PORT, 56150);
const channel = process.env.PLAYGROUND_CHANNEL || 'msteams';
const playgroundAs = process.env.PLAYGROUND_AS || 'chair';
const playgroundConfig = resolve(root, 'playground', `${playgroundAs}.yml`);
if (!/^[a-z]+$/.test(playgroundAs) || !existsSync(playgroundConfig)) {
  console.error(`[start-local] PLAYGROUND_AS=${playgroundAs}: no such file playground/${playgroundAs}.yml (chair, secretary, member)`);
  process.exit(2);
}
const readyTimeoutMs = Number(process.env.BOT_READY_TIMEOUT_MS) || 60_000;
const STOP_GRACE_MS = 15_000;

function say(line) {
  process.stdout.write(`[start-local] ${line}\n`);
}

function parsePort(name, value, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`[start-local] ${name} must be a port number, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return port;
}

/** The Playground's CLI: node_modules/.bin/agentsplayground (a symlink to its cli.js), run with this Node. */
function playgroundCli() {
  const bin = resolve(root, 'node_modules', '.bin', 'agentsplayground');
  if (existsSync(bin)) {
    const real = realpathSync(bin);
    if (real.endsWith('.js')) return real;
  }
  // Windows (.bin holds .cmd shims) or an unusual layout: resolve the package itself.
  return createRequire(resolve(root, 'package.json')).resolve('@microsoft/m365agentsplayground/cli.js');
}

if (!existsSync(botEntry)) {
  process.stderr.write(`[start-local] ${botEntry} is missing: run "npm run build" first (or "npm start").\n`);
  process.exit(1);
}

/** @type {Map<string, import('node:child_process').ChildProcess>} */
const children = new Map();
let firstExit; // { name, status }
let forceTimer;

function exitStatus(code, signal) {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number ? 128 + number : 1;
}

function track(name, child) {
  children.set(name, child);
  child.once('error', (err) => {
    process.stderr.write(`[start-local] could not start ${name}: ${err.message}\n`);
    // 'exit' may not follow a spawn error.
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) onExit(name, 1, null);
  });
  child.once('exit', (code, signal) => onExit(name, code, signal));
}

function onExit(name, code, signal) {
  if (!children.has(name)) return;
  children.delete(name);
  const status = exitStatus(code, signal);
  if (!firstExit) {
    firstExit = { name, status };
    say(`${name} exited (${signal ?? `code ${code}`})${children.size ? '; stopping the rest' : ''}`);
    stopAll('SIGTERM');
  } else {
    say(`${name} exited (${signal ?? `code ${code}`})`);
  }
  if (children.size === 0) {
    clearTimeout(forceTimer);
    process.exit(firstExit.status);
  }
}

function stopAll(signal) {
  for (const child of children.values()) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  if (!forceTimer && children.size > 0) {
    forceTimer = setTimeout(() => {
      for (const [name, child] of children) {
        say(`${name} did not stop within ${STOP_GRACE_MS} ms; killing it`);
        child.kill('SIGKILL');
      }
    }, STOP_GRACE_MS);
    forceTimer.unref();
  }
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signalled) {
      // Second Ctrl+C: do not wait any longer.
      for (const child of children.values()) child.kill('SIGKILL');
      process.exit(exitStatus(null, signal));
    }
    signalled = true;
    say(`${signal} received; stopping bot and Playground`);
    if (children.size === 0) process.exit(exitStatus(null, signal));
    stopAll(signal);
  });
}

// --- the bot -------------------------------------------------------------------------------

const bot = spawn(process.execPath, [botEntry], {
  cwd: root,
  env: { ...process.env, PORT: String(botPort) },
  stdio: 'inherit',
});
track('bot', bot);

const host = process.env.HOST && !['0.0.0.0', '::', '[::]'].includes(process.env.HOST) ? process.env.HOST : '127.0.0.1';
const probeHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
const readyUrl = `http://${probeHost}:${botPort}/readyz`;
const endpoint = `http://localhost:${botPort}/api/messages`;

async function waitForBot() {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (!children.has('bot')) return false;
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

if (!(await waitForBot())) {
  if (children.has('bot')) {
    process.stderr.write(`[start-local] the bot did not answer 200 on ${readyUrl} within ${readyTimeoutMs} ms\n`);
    firstExit = { name: 'bot', status: 1 };
    stopAll('SIGTERM');
  }
  // onExit finishes the process once the bot is gone.
} else if (!signalled && !firstExit) {
  say(`bot is ready on ${endpoint}; starting the Agents Playground`);
  startPlayground();
}

// --- the Playground ------------------------------------------------------------------------

function startPlayground() {
  const dataDir = resolve(root, process.env.DATA_DIR || 'data');
  const args = [
    playgroundCli(),
    '--app-endpoint', endpoint,
    '--channel-id', channel,
    '--port', String(playgroundPort),
    // Telemetry events go to Application Insights; off for local runs (and offline CI).
    '--disable-telemetry',
  ];
  const playground = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      // Do not try to open a browser (xdg-open); the URL is printed instead.
      TEAMSAPPTESTER_BROWSER: 'none',
      // Fixed people and chat ids: the built-in configuration makes a new group chat on every start.
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: process.env.M365_AGENTS_PLAYGROUND_CONFIG_PATH || playgroundConfig,
      // --disable-telemetry stops events, but the Application Insights SDK is still set up and
      // would send its own "statsbeat" (and probe the Azure metadata endpoint): turn that off too.
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: 'true',
      // Its default log is ./devTools/m365agentsplayground.log in the repository.
      M365_AGENTS_PLAYGROUND_LOGFILE:
        process.env.M365_AGENTS_PLAYGROUND_LOGFILE || resolve(dataDir, 'm365agentsplayground.log'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track('playground', playground);

  // The Playground prints "Listening on <port>"; it picks a random port if the requested one is taken.
  let announced = false;
  let pending = '';
  playground.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (announced) return;
    pending = (pending + chunk.toString()).slice(-4096);
    const match = /Listening on (\d+)/.exec(pending);
    if (match) {
      announced = true;
      const actual = Number(match[1]);
      if (actual !== playgroundPort && playgroundPort !== 0) {
        say(`port ${playgroundPort} was taken; the Playground chose ${actual}`);
      }
      say(`Bot: ${endpoint}`);
      say(`Agents Playground: http://localhost:${actual}`);
    }
  });
}
