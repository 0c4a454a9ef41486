import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anonymousVoterKeyFunction } from '../src/vote-key.js';
import { openDatabase } from '../src/store/database.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the anonymous vote key outside production', () => {
  it('is made 0600 in a data folder made 0700, as the database makes it too', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vote-key-'));
    const dataDir = join(root, 'data');
    const { db } = openDatabase({ sqlitePath: join(dataDir, 'council-assistant.sqlite') });
    await db.destroy();
    expect(mode(dataDir)).toBe(0o700);

    const otherDir = join(root, 'other', 'data');
    const hash = anonymousVoterKeyFunction(undefined, otherDir);
    expect(mode(otherDir)).toBe(0o700);
    expect(mode(join(otherDir, 'anonymous-vote.key'))).toBe(0o600);
    // The same key on the next start: a voter's hash does not change.
    expect(anonymousVoterKeyFunction(undefined, otherDir)('p1', 'u1')).toBe(hash('p1', 'u1'));
  });
});
