import { readFileSync } from 'node:fs';
import type { Clock } from './app/ports.js';

/**
 * A clock that runs from an instant written in a file, read again every `pollMs`: tests move
 * the bot's time forward (to when reminders fall due) by writing the file. Time keeps passing
 * from there at the normal pace. Never used in production (the configuration refuses it).
 */
export function fileClock(path: string, pollMs = 50): Clock & { stop(): void } {
  let base = { at: Date.now(), realAt: Date.now(), text: '' };
  const read = () => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch {
      return;
    }
    if (text === base.text) return;
    const at = Date.parse(text);
    if (!Number.isNaN(at)) base = { at, realAt: Date.now(), text };
  };
  read();
  const timer = setInterval(read, pollMs);
  timer.unref();
  return {
    now: () => new Date(base.at + (Date.now() - base.realAt)),
    stop: () => clearInterval(timer),
  };
}
