import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DocumentLibrary, LibraryError, type StoredDocument } from '../app/ports.js';

/** Characters no file system (and no SharePoint library) accepts in a name. */
function safeSegment(text: string): string {
  // The look-behind lets the trailing run match only from its first character: linear on long runs.
  const cleaned = text.replace(/["*:<>?\\|/\u0000-\u001f]/g, '-').replace(/\s+/g, ' ').trim().replace(/^[.\s]+|(?<![.\s])[.\s]+$/g, '');
  if (cleaned === '') throw new LibraryError('invalid', `unusable name "${text}"`);
  return cleaned.slice(0, 200);
}

/**
 * Minutes kept on disk under a root folder (data/minutes without Graph settings). Same rules as
 * the SharePoint library: 'version' keeps the earlier file as "name (version N).ext" instead of
 * overwriting it, 'rename' adds a number, 'fail' refuses.
 */
export function folderLibrary(root: string): DocumentLibrary {
  return {
    async upload(site, folder, name, content, conflict): Promise<StoredDocument> {
      const segments = [site, ...folder.split('/')].filter((s) => s.trim() !== '').map(safeSegment);
      const dir = resolve(root, ...segments);
      await mkdir(dir, { recursive: true });
      const fileName = safeSegment(name);
      // Written beside and moved into place: a crash or a full disk never leaves half a file
      // under the real name, and a failed write takes its temporary file with it.
      const temp = join(dir, `.${randomUUID()}.part`);
      try {
        await writeFile(temp, content);
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw err;
      }
      let target = join(dir, fileName);
      try {
        if (existsSync(target)) {
          const ext = extname(fileName);
          const stem = fileName.slice(0, fileName.length - ext.length);
          const free = (label: (n: number) => string) => {
            for (let n = 1; ; n += 1) if (!existsSync(join(dir, label(n)))) return join(dir, label(n));
          };
          if (conflict === 'fail') throw new LibraryError('conflict', `${fileName} exists`);
          if (conflict === 'rename') target = free((n) => `${stem} ${n}${ext}`);
          else await rename(target, free((n) => `${stem} (version ${n})${ext}`));
        }
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw err;
      }
      const size = (await stat(target)).size;
      return { id: target, name: target.slice(dir.length + 1), webUrl: pathToFileURL(target).href, size };
    },
    async asPdf(): Promise<Uint8Array> {
      throw new LibraryError('invalid', 'PDF conversion needs SharePoint (Graph)');
    },
  };
}
