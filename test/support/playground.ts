// The Agents Playground in headless Chromium, for the browser tests: the local stack as `npm start`
// runs it, and what a user does on the page (the compose box, card inputs, screenshots).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Locator, type Page, type WebSocketRoute, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { utcToZoned } from '../../src/domain/meeting-time.js';

export const root = resolve(import.meta.dirname, '..', '..');
export const startScript = join(root, 'scripts', 'start-local.mjs');
export const botEntry = join(root, 'dist', 'src', 'main.js');
export const resultsDir = join(root, 'test-results');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The bot's name in playground/*.yml, which the compose box's @-menu offers. */
export const BOT_NAME = 'Rådsassistenten';
export const UI_TIMEOUT = 30_000;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

/** bot + Playground through scripts/start-local.mjs, in its own process group so cleanup gets all three. */
export class LocalStack {
  child?: ChildProcess;
  output = '';
  playgroundUrl = '';
  readonly dataDir = mkdtempSync(join(tmpdir(), 'council-playground-'));
  private exited?: Promise<void>;

  /** `as`: who the Playground's user is (playground/<as>.yml); a restart keeps the data folder. */
  async start(as: 'chair' | 'secretary' | 'member' = 'chair'): Promise<void> {
    this.output = '';
    const [botPort, playgroundPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [startScript], {
      cwd: root,
      detached: true,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(botPort),
        HOST: '127.0.0.1',
        PLAYGROUND_PORT: String(playgroundPort),
        PLAYGROUND_AS: as,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: '',
        DATA_DIR: this.dataDir,
        // Local mode on SQLite, whatever the surrounding test run provides.
        BOT_ID: '',
        BOT_PASSWORD: '',
        DATABASE_URL: '',
        ALLOWED_TENANTS: '',
        DEFAULT_LOCALE: 'sv',
        LOG_LEVEL: process.env.PLAYGROUND_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => child.once('exit', () => r()));

    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const match = /Agents Playground: (http:\/\/localhost:\d+)/.exec(this.output);
      if (match) {
        this.playgroundUrl = match[1]!;
        return;
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`start-local.mjs exited (${child.exitCode ?? child.signalCode}) before the Playground was up:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the Playground did not come up within 60 s:\n${this.output}`);
  }

  /** SIGTERM to the script (which stops both children), SIGKILL to the whole group if that hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL'); // leftovers in the group, if any
      } catch {
        // the group is gone already
      }
    }
  }

  async stopAndRemove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A meeting that starts in about five minutes, Stockholm time, so it can be opened now (at most
 * 12 h before its start). Late in the evening it starts after midnight instead, so its two hours
 * fit in one day.
 */
export function soon(): { date: string; start: string; end: string } {
  let start = utcToZoned(new Date(Date.now() + 5 * 60_000).toISOString(), 'Europe/Stockholm');
  if (start.time >= '21:55') start = utcToZoned(new Date(Date.now() + 2 * 3_600_000 + 10 * 60_000).toISOString(), 'Europe/Stockholm');
  const [h, m] = start.time.split(':').map(Number) as [number, number];
  const endMinutes = Math.min(h * 60 + m + 120, 23 * 60 + 59);
  const end = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  return { date: start.date, start: start.time, end };
}

/** The message cards in the chat pane, in order. */
export function cards(page: Page): Locator {
  return page.locator('.ac-adaptiveCard');
}

/**
 * A plain text message in the chat pane: the bot sends text as plain text, which the Playground
 * shows as a span in the message's output card. The chat list repeats the latest message as a
 * preview, so the bare text would match twice.
 */
export function textMessage(page: Page, text: string): Locator {
  return page.locator('.fai-OutputCard span').filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });
}

export async function waitForCount(locator: Locator, atLeast: number, timeoutMs = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await locator.count()) >= atLeast) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected at least ${atLeast} of ${locator}, found ${await locator.count()} after ${timeoutMs} ms`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(resultsDir, name), fullPage: true });
}

/**
 * Screenshots one card whole. The chat pane scrolls inside a page the height of the window, so a
 * card taller than the pane would come out clipped: the window grows to fit it for the picture.
 */
export async function cardScreenshot(page: Page, card: Locator, name: string): Promise<void> {
  const original = page.viewportSize();
  const box = await card.boundingBox();
  if (original && box) await page.setViewportSize({ width: original.width, height: Math.max(original.height, Math.ceil(box.height) + 400) });
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await card.screenshot({ path: join(resultsDir, name) });
  if (original) await page.setViewportSize(original);
}

/** The compose box at the bottom of the chat pane. */
export function composeBox(page: Page): Locator {
  return page.locator('[contenteditable="true"][role="textbox"]');
}

/**
 * Sends a message in a group chat with real keystrokes, @mentioning the bot first: the Playground
 * (0.2.28) passes a group-chat message on to the bot only when it mentions the bot (it does not
 * emulate the manifest's RSC permission ChatMessage.Read.Chat, with which Teams sends them all).
 *
 * Lines are joined with a literal "<br>": Shift+Enter does put a line break into the compose box,
 * but the Playground turns the editor's content into text from its text nodes only, so line breaks
 * (typed or pasted) vanish and "a⏎b" reaches the bot as "ab". "<br>" is what Teams' HTML
 * messages carry, and the bot reads it as a line break.
 */
export async function sendToBot(page: Page, lines: readonly string[]): Promise<void> {
  await composeBox(page).click();
  await page.keyboard.type('@');
  await page.getByRole('menuitem', { name: BOT_NAME }).click();
  await page.keyboard.type(` ${lines.join('<br>')}`);
  await page.keyboard.press('Enter');
}

/** Types into a card input with real keystrokes (see the setup test) and checks it took. */
export async function typeInto(page: Page, input: Locator, text: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await input.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
    if ((await input.inputValue()) === text) return;
    await page.waitForTimeout(500);
  }
  expect(await input.inputValue()).toBe(text);
}

/**
 * What the Playground's server pushes to the page over its WebSocket, held back on request. A card
 * answered for one user (an Action.Execute response with a notice) is replaced a second or two
 * later when the bot updates the shared message (the Playground runs no per-user refresh), so the
 * answered card can be pictured only while that update waits.
 */
export class PushGate {
  private held: (() => void)[] | undefined;

  route(socket: WebSocketRoute): void {
    const server = socket.connectToServer();
    server.onMessage((message) => {
      if (this.held) this.held.push(() => socket.send(message));
      else socket.send(message);
    });
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const deliver of held) deliver();
  }
}

/**
 * Headless Chromium on the Playground's page, offline (the page pulls fonts and an animation worklet
 * from a CDN), its WebSocket pushes routed through `pushes`.
 */
export async function openPlayground(url: string, pushes: PushGate): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  // playwright-core gives every launch a fresh temporary profile.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'sv-SE' });
  context.setDefaultTimeout(UI_TIMEOUT);
  await context.route(
    (target) => !['localhost', '127.0.0.1', '[::1]'].includes(target.hostname),
    (route) => route.abort(),
  );
  const page = await context.newPage();
  await page.routeWebSocket(() => true, (socket) => pushes.route(socket));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { browser, page };
}
