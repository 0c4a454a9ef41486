import { describe, expect, it } from 'vitest';
import { WordRefused, readWordAgenda } from '../../src/teams/word-agenda.js';
import { encryptedWord, lyingWordBomb, wordAgenda, wordBomb } from '../support/word-agenda.js';

async function refusal(bytes: Uint8Array): Promise<string | undefined> {
  try {
    await readWordAgenda(bytes);
    return undefined;
  } catch (err) {
    if (err instanceof WordRefused) return err.reason;
    throw err;
  }
}

describe('a Word agenda read into lines and tables', () => {
  it('keeps the table with its header row and multi-paragraph cells', async () => {
    const blocks = await readWordAgenda(await wordAgenda());
    const table = blocks.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' && table.rows[0]).toEqual(['Mötespunkt', 'Anteckning', 'Tid och föredragande']);
    expect(table && table.kind === 'table' && table.rows[2]).toEqual(['2. Ekonomisk uppföljning\nPrognos efter oktober', 'Bilaga 2', '13.10–13.40\nBjörn Berg\nCecilia Ek']);
  });

  it('refuses what is no Word file, a password-protected one and a zip bomb', async () => {
    expect(await refusal(Buffer.from('%PDF-1.7\n'))).toBe('notWord');
    expect(await refusal(Buffer.from('PK\x03\x04 not really a zip'))).toBe('notWord');
    expect(await refusal(encryptedWord())).toBe('encrypted');
    expect(await refusal(Buffer.alloc(5 * 1024 * 1024 + 1))).toBe('tooLarge');
    expect(await refusal(await wordBomb(64))).toBe('unpacksTooLarge');
    expect(await refusal(await lyingWordBomb(64))).toBe('unpacksTooLarge');
  });
});
