import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of its own, to make a disk really full. Needs root (CI runs tests as root);
 * undefined with the reason when this machine does not allow mounting.
 */
export function mountTmpfs(sizeMb: number): { dir: string; unmount(): void } | { dir?: undefined; reason: string } {
  const dir = mkdtempSync(join(tmpdir(), 'council-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes zeros into `file` until the file system says ENOSPC; returns the bytes it took. */
export function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk);
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOSPC') break;
        throw err;
      }
    }
    // The last few blocks: a chunk can fail while a smaller write would still fit.
    for (let size = 32 * 1024; size >= 512; size /= 2) {
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, size));
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
