/**
 * Whether a failure means the server has no room left to write: SQLite's SQLITE_FULL (what a
 * full disk becomes inside SQLite), Node's ENOSPC (a file written on a full disk, disk quota
 * exceeded too) and PostgreSQL's 53100 disk_full. Wrappers are followed a few causes deep.
 */
export function isStorageFull(err: unknown): boolean {
  return storageFullCode(err) !== undefined;
}

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);

/** The code that said so, for the admin's log line; undefined when the failure is something else. */
export function storageFullCode(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return code;
  return storageFullCode((err as { cause?: unknown }).cause, depth + 1);
}

/** One line for the admin, the same wherever a write failed for lack of space. */
export const STORAGE_FULL_LOG = "the server's disk is full: changes cannot be saved until space is freed";
