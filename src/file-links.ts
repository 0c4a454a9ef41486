import { createHmac, timingSafeEqual } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Only what the bot writes as minutes is ever served. */
const SERVED_EXTENSIONS = new Set(['.docx', '.md', '.pdf']);
export const FILE_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export interface FileLinks {
  /** A link to a minutes file under the root (given as a file: URL or a path), or undefined for anything else. */
  urlFor(file: string): string | undefined;
  /** The file a token names, or undefined when the token is forged, expired or names nothing servable. */
  resolve(token: string): Promise<{ path: string; name: string } | undefined>;
}

/**
 * Local mode's links to generated minutes: the token carries the file's path under the minutes
 * folder and an expiry, signed with a key kept beside the data, so links are unguessable, survive
 * a restart, and can name nothing outside that folder.
 */
export function createFileLinks(options: { root: string; key: string; baseUrl: () => string; now?: () => number; ttlMs?: number }): FileLinks {
  const root = resolve(options.root);
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? FILE_LINK_TTL_MS;
  const sign = (payload: string) => createHmac('sha256', options.key).update(`minutes-file\u0000${payload}`).digest();
  const inside = (base: string, path: string) => {
    const rel = relative(base, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };
  return {
    urlFor(file) {
      const path = resolve(file.startsWith('file:') ? fileURLToPath(file) : file);
      if (!inside(root, path) || !SERVED_EXTENSIONS.has(extname(path).toLowerCase())) return undefined;
      const payload = Buffer.from(JSON.stringify({ p: relative(root, path).split(sep).join('/'), e: now() + ttl })).toString('base64url');
      return `${options.baseUrl()}/files/${payload}.${sign(payload).toString('base64url')}`;
    },
    async resolve(token) {
      const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return undefined;
      const [, payload, signature] = match as unknown as [string, string, string];
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let claims: { p?: unknown; e?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
      } catch {
        return undefined;
      }
      if (typeof claims.p !== 'string' || typeof claims.e !== 'number' || claims.e < now()) return undefined;
      const path = resolve(root, claims.p);
      if (!inside(root, path) || !SERVED_EXTENSIONS.has(extname(path).toLowerCase())) return undefined;
      try {
        // A link made into the folder (or a file replaced by one) must not lead out of it.
        const real = await realpath(path);
        if (!inside(await realpath(root), real) || !(await stat(real)).isFile()) return undefined;
        return { path: real, name: basename(path) };
      } catch {
        return undefined;
      }
    },
  };
}
