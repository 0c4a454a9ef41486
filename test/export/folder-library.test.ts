import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderLibrary } from '../../src/export/folder-library.js';
import { fillDisk, mountTmpfs } from '../support/tmpfs.js';

const disk = mountTmpfs(4);

describe.skipIf(disk.dir === undefined)(`minutes files on a full disk${disk.dir ? '' : ` (skipped: ${'reason' in disk ? disk.reason : ''})`}`, () => {
  const root = disk.dir!;
  const folder = join(root, 'Nattrådet', 'Protokoll');
  const library = folderLibrary(root);
  const filler = join(root, 'filler');

  beforeAll(async () => {
    await library.upload('Nattrådet', 'Protokoll', 'Protokoll 2027-01-14.docx', new TextEncoder().encode('första versionen'), 'version');
    fillDisk(filler);
  });
  afterAll(() => {
    if ('unmount' in disk) disk.unmount();
  });

  it('fails with ENOSPC and leaves no partial file, the earlier version untouched under its name', async () => {
    const content = new Uint8Array(512 * 1024).fill(65);
    for (const [name, conflict] of [
      ['Protokoll 2027-01-14.docx', 'version'],
      ['Protokoll 2027-01-14.md', 'fail'],
      ['Protokoll 2027-01-14.docx', 'rename'],
    ] as const) {
      await expect(library.upload('Nattrådet', 'Protokoll', name, content, conflict)).rejects.toMatchObject({ code: 'ENOSPC' });
    }
    expect(readdirSync(folder)).toEqual(['Protokoll 2027-01-14.docx']);
    expect(readFileSync(join(folder, 'Protokoll 2027-01-14.docx'), 'utf8')).toBe('första versionen');
  });

  it('saves once there is room again', async () => {
    rmSync(filler);
    const stored = await library.upload('Nattrådet', 'Protokoll', 'Protokoll 2027-01-14.docx', new Uint8Array(512 * 1024).fill(65), 'version');
    expect(stored.size).toBe(512 * 1024);
    expect(readdirSync(folder).sort()).toEqual(['Protokoll 2027-01-14 (version 1).docx', 'Protokoll 2027-01-14.docx']);
  });
});
