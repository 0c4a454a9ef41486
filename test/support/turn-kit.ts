import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Store } from '../../src/app/ports.js';
import { folderLibrary } from '../../src/export/folder-library.js';
import { type BotDeps, type TurnKit, createTurnKit } from '../../src/teams/turn-kit.js';

/**
 * The turn kit an in-process test of the outbox runs on: a store, Swedish defaults, minutes in a
 * folder of its own and renderers that write nothing; the test gives the clock or logger it watches.
 */
export function testTurnKit(store: Store, overrides: Partial<BotDeps> = {}): TurnKit {
  return createTurnKit({
    store,
    clock: { now: () => new Date() },
    newId: randomUUID,
    logger: pino({ level: 'silent' }),
    defaultLocale: 'sv',
    defaultTimeZone: 'Europe/Stockholm',
    botAppId: '',
    anonymousVoterKey: () => 'k',
    minutesLibrary: folderLibrary(mkdtempSync(join(tmpdir(), 'council-test-minutes-'))),
    minutesRenderer: { docx: async () => new Uint8Array(), markdown: () => '' },
    ...overrides,
  });
}
