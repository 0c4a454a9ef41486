import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFileLinks } from '../src/file-links.js';

function setup() {
  const data = mkdtempSync(join(tmpdir(), 'file-links-'));
  const root = join(data, 'minutes');
  mkdirSync(join(root, 'Rådet', '2026'), { recursive: true });
  const word = join(root, 'Rådet', '2026', '2026-12-03 Rådet protokoll utkast.docx');
  writeFileSync(word, 'PK');
  writeFileSync(join(data, 'secret.sqlite'), 'SQLite');
  let now = 1_000_000;
  const links = createFileLinks({ root, key: 'k'.repeat(64), baseUrl: () => 'http://localhost:3978', now: () => now, ttlMs: 60_000 });
  return { data, root, word, links, later: (ms: number) => (now += ms) };
}

const tokenOf = (url: string) => url.slice(url.indexOf('/files/') + 7);

describe('links to generated minutes', () => {
  it('link a file under the minutes folder, by path or file: URL, until they expire', async () => {
    const { word, links, later } = setup();
    for (const given of [word, pathToFileURL(word).href]) {
      const url = links.urlFor(given)!;
      expect(url).toMatch(/^http:\/\/localhost:3978\/files\//);
      expect(await links.resolve(tokenOf(url))).toMatchObject({ name: '2026-12-03 Rådet protokoll utkast.docx' });
    }
    const url = links.urlFor(word)!;
    later(60_001);
    expect(await links.resolve(tokenOf(url))).toBeUndefined();
  });

  it('never link or serve anything outside the folder, nor anything but minutes files', async () => {
    const { data, root, word, links } = setup();
    expect(links.urlFor(join(data, 'secret.sqlite'))).toBeUndefined();
    expect(links.urlFor(join(root, '..', 'secret.sqlite'))).toBeUndefined();
    writeFileSync(join(root, 'notes.txt'), 'x');
    expect(links.urlFor(join(root, 'notes.txt'))).toBeUndefined();
    // A link planted in the folder that leads out of it is not followed.
    symlinkSync(join(data, 'secret.sqlite'), join(root, 'planted.docx'));
    expect(await links.resolve(tokenOf(links.urlFor(join(root, 'planted.docx'))!))).toBeUndefined();
    const token = tokenOf(links.urlFor(word)!);
    expect(await links.resolve(`${token}x`)).toBeUndefined();
    expect(await links.resolve(token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBeUndefined();
    expect(await links.resolve('../secret.sqlite')).toBeUndefined();
  });
});
