import { z } from 'zod';
import { type DocumentLibrary, LibraryError, type StoredDocument, TransientError } from '../app/ports.js';
import { GraphError, type GraphHttp, errorOf } from './http.js';
import { countIfThrottled } from './tracing-handler.js';

/*
 * Council minutes in a SharePoint document library, through Graph (app-only, Sites.Selected).
 *
 * The library is named the way a secretary finds it: by the URL in the browser's address bar,
 * e.g. https://region.sharepoint.com/sites/Vardvalsrad/Delade%20dokument/Forms/AllItems.aspx.
 * Graph addresses drives by id, so the URL is resolved once (and remembered per URL):
 *   1. the site: GET /sites/{hostname}:/{server-relative path}, trying /sites/x (or /teams/x)
 *      first and a longer prefix (a subsite) only when the shorter one has no matching library;
 *   2. its libraries: GET /sites/{site-id}/drives, taking the drive whose webUrl is a prefix of
 *      the URL (compared decoded and case-insensitively, so "Delade dokument" and
 *      "Delade%20dokument" are the same), else the drive whose name is the next path segment;
 *   3. a URL naming only the site means its default library (GET /sites/{site-id}/drive).
 * A "/Forms/AllItems.aspx" view page, query and fragment are ignored, and a copied
 * "/:f:/r/..." link is read as the path after it.
 */

/** Graph's simple upload takes at most 4 MB; above that an upload session is needed. */
const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024;
/** Graph requires fragments in multiples of 320 KiB; ten make about 3.3 MB per request. */
export const FRAGMENT_UNIT = 320 * 1024;
const DEFAULT_FRAGMENT = 10 * FRAGMENT_UNIT;
/** SharePoint's limit for a whole decoded path; the site's own path comes on top, so keep under it. */
const MAX_PATH_LENGTH = 400;
const MAX_NAME_LENGTH = 200;

const FORBIDDEN_CHARACTERS = /["*:<>?/\\|\u0000-\u001f\u007f]/g;
/** Half a surrogate pair cannot be put in a URL (encodeURIComponent throws). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const RESERVED_NAMES = new Set(['.lock', 'con', 'prn', 'aux', 'nul', 'desktop.ini', ...range(10).flatMap((i) => [`com${i}`, `lpt${i}`])]);

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Why SharePoint would refuse this file or folder name; undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (new RegExp(FORBIDDEN_CHARACTERS.source).test(name)) return 'contains one of " * : < > ? / \\ | or a control character';
  if (new RegExp(LONE_SURROGATE.source).test(name)) return 'contains half a surrogate pair';
  if (/^[\s.]|[\s.]$/.test(name)) return 'starts or ends with a space or a dot';
  if (name.startsWith('~$')) return 'starts with ~$';
  if (/_vti_/i.test(name)) return 'contains _vti_';
  const stem = name.toLowerCase();
  if (RESERVED_NAMES.has(stem) || RESERVED_NAMES.has(stem.replace(/\.[^.]*$/, ''))) return 'is a name SharePoint reserves';
  return undefined;
}

/**
 * A text made into a name SharePoint accepts for a file or folder: forbidden characters become
 * "-", leading and trailing spaces and dots go, reserved names get a "-" added, and the name is
 * cut to 200 characters keeping its extension. Letters (å, ä, ö and the rest) stay as they are.
 */
export function safeName(text: string): string {
  // NFC: a name typed on a Mac arrives decomposed (a + ring), which SharePoint treats as another name.
  let name = text.replace(LONE_SURROGATE, '-').normalize('NFC').replace(FORBIDDEN_CHARACTERS, '-').replace(/\s+/g, ' ');
  name = trimEnds(name.replace(/_vti_/gi, '-vti-'));
  if (name.length > MAX_NAME_LENGTH) {
    const extension = /\.[^.\s]{1,10}$/.exec(name)?.[0] ?? '';
    // Cut between whole characters: an emoji cut in half would leave a lone surrogate.
    name = trimEnds(name.slice(0, MAX_NAME_LENGTH - extension.length).replace(/[\uD800-\uDBFF]$/, '')) + extension;
  }
  if (name.startsWith('~$')) name = `-${name.slice(1)}`;
  if (name === '') return '-';
  const lower = name.toLowerCase();
  if (RESERVED_NAMES.has(lower) || RESERVED_NAMES.has(lower.replace(/\.[^.]*$/, ''))) {
    // CON.txt becomes CON-.txt: the extension stays last, where Office and the browser look for it.
    name = `${name}-`.replace(/^(\w+)(\.[^.]+)-$/, '$1-$2');
  }
  return name;
}

function trimEnds(text: string): string {
  // The look-behind lets the trailing run match only from its first character: linear on long runs.
  return text.replace(/^[\s.]+|(?<![\s.])[\s.]+$/g, '');
}

// --- Graph answers, checked -----------------------------------------------------------------

const driveItem = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    webUrl: z.string().url(),
    size: z.number().int().nonnegative().optional(),
    file: z.object({}).passthrough().optional(),
    folder: z.object({}).passthrough().optional(),
    // SharePoint's publication facet: "checkout" while the file is checked out.
    publication: z.object({ level: z.string().nullish() }).passthrough().nullish(),
  })
  .passthrough();

type DriveItem = z.infer<typeof driveItem>;

const site = z.object({ id: z.string().min(1), webUrl: z.string().url() }).passthrough();
const drive = z.object({ id: z.string().min(1), name: z.string(), webUrl: z.string().url() }).passthrough();
const drivePage = z.object({ value: z.array(drive), '@odata.nextLink': z.string().url().optional() });
const versionPage = z.object({ value: z.array(z.object({ id: z.string() }).passthrough()) });
const uploadSession = z
  .object({
    uploadUrl: z.string().url(),
    expirationDateTime: z.string().optional(),
    nextExpectedRanges: z.array(z.string()).optional(),
  })
  .passthrough();
const sessionStatus = z.object({ nextExpectedRanges: z.array(z.string()).default([]) }).passthrough();

// --- errors ---------------------------------------------------------------------------------

/** Graph's failures, sorted into what the caller can act on. */
function translate(err: unknown, what: string): unknown {
  if (err instanceof LibraryError || err instanceof TransientError || !(err instanceof GraphError)) return err;
  const detail = `${what}: ${err.status} ${err.code}`;
  if (err.status === 403) return new LibraryError('denied', detail);
  if (err.status === 404) return new LibraryError('notFound', detail);
  if (err.status === 507 || err.code === 'quotaLimitReached' || err.code === 'insufficientStorage') return new LibraryError('full', detail);
  if (err.status === 409 && err.code === 'nameAlreadyExists') return new LibraryError('conflict', detail);
  if (err.status === 400 || err.status === 406 || err.status === 413 || err.status === 415) return new LibraryError('invalid', `${detail} ${err.message}`);
  // Locked: somebody has the file open or checked out; that passes.
  if (err.transient || err.status === 423 || err.status >= 500 || err.code === 'InvalidResponse') {
    return new TransientError(`Graph ${err.status} ${err.code}: ${err.message}`, err.retryAfterMs);
  }
  return err;
}

// --- paths ----------------------------------------------------------------------------------

function encodePath(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/** Site ids are "host,guid,guid"; the commas are part of the id as Graph writes it in URLs. */
function encodeId(id: string): string {
  return encodeURIComponent(id).replace(/%2C/gi, ',');
}

function checkedSegments(folder: string, name: string): { folder: string[]; name: string } {
  const segments = folder.split('/').filter((s) => s !== '');
  for (const part of [...segments, name]) {
    const problem = nameProblem(part);
    if (problem) throw new LibraryError('invalid', `"${part}" ${problem}`);
  }
  const length = [...segments, name].join('/').length;
  if (length > MAX_PATH_LENGTH) throw new LibraryError('invalid', `the path is ${length} characters; SharePoint takes at most ${MAX_PATH_LENGTH}`);
  return { folder: segments, name };
}

/** The decoded, lower-cased form two URLs are compared in. */
function comparable(url: string): string {
  let text = url;
  try {
    text = decodeURI(url);
  } catch {
    // A stray % in a hand-edited URL: compare it as written.
  }
  return text.normalize('NFC').replace(/(?<!\/)\/+$/, '').toLowerCase();
}

interface LibraryAddress {
  hostname: string;
  /** Decoded path segments up to the library (view pages and links' prefixes removed). */
  segments: string[];
  /** The URL as compared against drives' webUrl. */
  target: string;
}

function parseLibraryUrl(text: string): LibraryAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new LibraryError('invalid', `not a URL: ${text}`);
  }
  if (url.protocol !== 'https:') throw new LibraryError('invalid', `not an https URL: ${text}`);
  let segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s).normalize('NFC');
      } catch {
        return s;
      }
    });
  // "Copy link" gives /:f:/r/sites/x/... (kind, then r for a real path); only that form has a path.
  if (/^:[a-z]:$/i.test(segments[0] ?? '') && segments[1] === 'r') segments = segments.slice(2);
  const forms = segments.findIndex((s, i) => s.toLowerCase() === 'forms' && /\.aspx$/i.test(segments[i + 1] ?? ''));
  if (forms >= 0) segments = segments.slice(0, forms);
  else if (/\.aspx$/i.test(segments.at(-1) ?? '')) segments = segments.slice(0, -1);
  return { hostname: url.hostname, segments, target: comparable(`https://${url.host}/${segments.join('/')}`) };
}

/** Server-relative site paths to try, shortest first: /sites/x, then /sites/x/sub, …; '' is the root site. */
function siteCandidates(segments: readonly string[]): string[][] {
  const first = segments[0]?.toLowerCase();
  if ((first === 'sites' || first === 'teams') && segments.length >= 2) {
    return range(segments.length - 1).map((i) => segments.slice(0, i + 2));
  }
  return [[]];
}

function mediaType(name: string): string {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return (
    {
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      doc: 'application/msword',
      pdf: 'application/pdf',
      md: 'text/markdown; charset=utf-8',
      txt: 'text/plain; charset=utf-8',
      html: 'text/html; charset=utf-8',
      odt: 'application/vnd.oasis.opendocument.text',
      rtf: 'application/rtf',
    }[extension] ?? 'application/octet-stream'
  );
}

function stored(item: DriveItem, fallbackSize: number): StoredDocument {
  return { id: item.id, name: item.name, webUrl: item.webUrl, size: item.size ?? fallbackSize };
}

// --- the library ----------------------------------------------------------------------------

export interface GraphLibraryOptions {
  /** For the upload session's fragments, which go to a pre-authenticated URL outside the Graph client. */
  fetch?: typeof fetch;
  /** Bytes per fragment; rounded down to a multiple of 320 KiB. */
  fragmentSize?: number;
  /** Failed fragment requests in a row before the upload is given up as transient. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited out inside the upload. */
  maxInlineWaitSeconds?: number;
  /** Seconds before a retry when the service gives no Retry-After; doubled each time. */
  retryDelaySeconds?: number;
  /** Per fragment request. */
  fragmentTimeoutMs?: number;
}

export function graphLibrary(http: GraphHttp, options: GraphLibraryOptions = {}): DocumentLibrary {
  const fetchFn = options.fetch ?? fetch;
  const fragment = Math.max(FRAGMENT_UNIT, Math.floor((options.fragmentSize ?? DEFAULT_FRAGMENT) / FRAGMENT_UNIT) * FRAGMENT_UNIT);
  const maxRetries = options.maxRetries ?? 4;
  const maxInlineMs = (options.maxInlineWaitSeconds ?? 30) * 1000;
  const retryDelayMs = (options.retryDelaySeconds ?? 2) * 1000;
  const fragmentTimeoutMs = options.fragmentTimeoutMs ?? 120_000;
  const drives = new Map<string, Promise<string>>();

  function driveOf(url: string): Promise<string> {
    const address = parseLibraryUrl(url);
    const key = address.target;
    let found = drives.get(key);
    if (!found) {
      found = resolveDrive(address);
      drives.set(key, found);
      // A failed lookup is not remembered: the admin may grant access or create the library.
      found.catch(() => drives.delete(key));
    }
    return found;
  }

  async function resolveDrive(address: LibraryAddress): Promise<string> {
    const candidates = siteCandidates(address.segments);
    for (const [index, sitePath] of candidates.entries()) {
      let found: z.infer<typeof site>;
      try {
        const path = sitePath.length === 0 ? `/sites/${address.hostname}` : `/sites/${address.hostname}:/${encodePath(sitePath)}`;
        found = await http.call({ method: 'GET', path: `${path}?$select=id,webUrl` }, site);
      } catch (err) {
        // A longer prefix that is no site is a folder or library name: the shorter site stands.
        if (index > 0 && err instanceof GraphError && err.status === 404) break;
        throw translate(err, `site ${address.hostname}/${sitePath.join('/')}`);
      }
      const libraries = await listDrives(found.id);
      const byUrl = libraries
        .filter((d) => {
          const web = comparable(d.webUrl);
          return address.target === web || address.target.startsWith(`${web}/`);
        })
        .sort((a, b) => b.webUrl.length - a.webUrl.length)[0];
      if (byUrl) return byUrl.id;
      const next = address.segments[sitePath.length]?.toLowerCase();
      if (next === undefined) {
        const library = await http.call({ method: 'GET', path: `/sites/${encodeId(found.id)}/drive?$select=id,name,webUrl` }, drive);
        return library.id;
      }
      const byName = libraries.find((d) => d.name.normalize('NFC').toLowerCase() === next);
      if (byName) return byName.id;
    }
    throw new LibraryError('notFound', `no document library at https://${address.hostname}/${address.segments.join('/')}`);
  }

  async function listDrives(siteId: string): Promise<z.infer<typeof drive>[]> {
    const all: z.infer<typeof drive>[] = [];
    let path: string | undefined = `/sites/${encodeId(siteId)}/drives?$select=id,name,webUrl`;
    while (path) {
      const page: z.infer<typeof drivePage> = await http.call({ method: 'GET', path }, drivePage);
      all.push(...page.value);
      path = page['@odata.nextLink'];
    }
    return all;
  }

  async function itemAt(driveId: string, segments: readonly string[]): Promise<DriveItem | undefined> {
    try {
      return await http.call({ method: 'GET', path: `/drives/${encodeId(driveId)}/root:/${encodePath(segments)}` }, driveItem);
    } catch (err) {
      if (err instanceof GraphError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Creates what is missing of the folder path; two exports at once may race, and a 409 means the other made it. */
  async function ensureFolder(driveId: string, segments: readonly string[]): Promise<void> {
    if (segments.length === 0) return;
    const whole = await itemAt(driveId, segments);
    if (whole) {
      if (!whole.folder) throw new LibraryError('conflict', `${segments.join('/')} is a file, not a folder`);
      return;
    }
    let parent = 'root';
    for (let depth = 1; depth <= segments.length; depth++) {
      const path = segments.slice(0, depth);
      let folder = await itemAt(driveId, path);
      if (!folder) {
        try {
          folder = await http.call(
            {
              method: 'POST',
              path: `/drives/${encodeId(driveId)}/items/${encodeId(parent)}/children`,
              body: { name: path.at(-1), folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
            },
            driveItem,
          );
        } catch (err) {
          if (!(err instanceof GraphError && err.status === 409 && err.code === 'nameAlreadyExists')) throw err;
          folder = await itemAt(driveId, path);
          if (!folder) throw err;
        }
      }
      if (!folder.folder) throw new LibraryError('conflict', `${path.join('/')} is a file, not a folder`);
      parent = folder.id;
    }
  }

  /** The newest version's label ("3.0"): it moves on when a replace made a new version. */
  async function newestVersion(driveId: string, itemId: string): Promise<string | undefined> {
    const page = await http.call(
      { method: 'GET', path: `/drives/${encodeId(driveId)}/items/${encodeId(itemId)}/versions?$select=id` },
      versionPage,
    );
    // Newest first, the docs say; the highest label is taken in case an answer is in another order.
    return page.value
      .map((v) => v.id)
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
      .at(0);
  }

  /**
   * A library that requires check-out keeps a new file checked out to the app, unseen by anyone
   * else, until it is checked in (https://learn.microsoft.com/graph/api/driveitem-checkin), and
   * refuses new content for a file nobody checked out. So: an existing file is checked out
   * before it is replaced (unless an earlier attempt left it so), and whatever the upload
   * leaves checked out is checked in. In a library without that setting the file is simply
   * checked out and in around the replace, which makes the same one new version.
   */
  async function putCheckedIn(driveId: string, path: readonly string[], content: Uint8Array, behavior: string, existing: DriveItem | undefined): Promise<DriveItem> {
    const item = (id: string) => `/drives/${encodeId(driveId)}/items/${encodeId(id)}`;
    if (existing && behavior === 'replace' && existing.publication?.level !== 'checkout') {
      await http.send({ method: 'POST', path: `${item(existing.id)}/checkout` });
    }
    const saved = await put(driveId, path, content, behavior);
    const now = await http.call({ method: 'GET', path: `${item(saved.id)}?$select=id,name,webUrl,size,publication` }, driveItem);
    if (now.publication?.level === 'checkout') {
      await http.send({ method: 'POST', path: `${item(saved.id)}/checkin`, body: { comment: 'Council Assistant', checkInAs: 'published' } });
    }
    return saved;
  }

  async function put(driveId: string, path: readonly string[], content: Uint8Array, behavior: string): Promise<DriveItem> {
    if (content.byteLength <= SIMPLE_UPLOAD_MAX) {
      return http.upload(
        {
          method: 'PUT',
          path: `/drives/${encodeId(driveId)}/root:/${encodePath(path)}:/content?@microsoft.graph.conflictBehavior=${behavior}`,
          body: content,
          contentType: mediaType(path.at(-1)!),
        },
        driveItem,
      );
    }
    return uploadInSession(driveId, path, content, behavior);
  }

  async function uploadInSession(driveId: string, path: readonly string[], content: Uint8Array, behavior: string, restarts = 0): Promise<DriveItem> {
    const session = await http.call(
      {
        method: 'POST',
        path: `/drives/${encodeId(driveId)}/root:/${encodePath(path)}:/createUploadSession`,
        // The session's own default is "fail": the behaviour is always said. fileSize lets a full library say so now, not after the last byte.
        body: { item: { '@microsoft.graph.conflictBehavior': behavior, name: path.at(-1), fileSize: content.byteLength } },
      },
      uploadSession,
    );
    try {
      return await sendFragments(session.uploadUrl, content);
    } catch (err) {
      if (err === SESSION_GONE && restarts < 1) return uploadInSession(driveId, path, content, behavior, restarts + 1);
      // Best effort: an abandoned session's bytes are otherwise kept until it expires.
      await fetchFn(session.uploadUrl, { method: 'DELETE', signal: AbortSignal.timeout(fragmentTimeoutMs) })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
      if (err === SESSION_GONE) throw new TransientError('the upload session was lost twice');
      throw err;
    }
  }

  /**
   * PUTs the fragments to the session's pre-authenticated URL with plain fetch: the docs say an
   * Authorization header there may get a 401, and the Graph client would add one. After a
   * failure the service is asked which bytes it still misses, and the upload goes on from there.
   */
  async function sendFragments(uploadUrl: string, content: Uint8Array): Promise<DriveItem> {
    const total = content.byteLength;
    let offset = 0;
    let failures = 0;
    for (;;) {
      const end = Math.min(offset + fragment, total);
      let response: Response | undefined;
      let failure: GraphError;
      try {
        response = await fetchFn(uploadUrl, {
          method: 'PUT',
          headers: { 'Content-Range': `bytes ${offset}-${end - 1}/${total}` },
          // A view, not a copy; the port's Uint8Array is never backed by shared memory.
          body: content.subarray(offset, end) as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.timeout(fragmentTimeoutMs),
        });
        if (response.status === 200 || response.status === 201) return driveItem.parse(await response.json());
        if (response.status === 202) {
          const next = nextOffset(sessionStatus.parse(await response.json()).nextExpectedRanges);
          if (next === undefined || next <= offset) throw new GraphError(202, 'InvalidResponse', `the session expects ${next} after bytes up to ${end}`);
          offset = next;
          failures = 0;
          continue;
        }
        // Fragments go to the session's own URL, outside the Graph client and its middleware.
        countIfThrottled(response);
        failure = await errorOf(response);
      } catch (err) {
        if (err instanceof z.ZodError || (err instanceof SyntaxError && response)) {
          failure = new GraphError(response?.status ?? 0, 'InvalidResponse', 'the upload session answered with something unreadable');
        } else if (err instanceof GraphError) {
          failure = err;
        } else {
          failure = new GraphError(0, 'NetworkError', (err as Error).message ?? String(err));
        }
      }
      if (failure.status === 404) throw SESSION_GONE;
      // 416: this fragment (or part of it) was already received, e.g. the answer to it was lost.
      const retriable = failure.transient || failure.status === 416 || failure.status >= 500 || failure.code === 'InvalidResponse';
      if (!retriable) throw failure;
      failures += 1;
      if (failures > maxRetries) throw failure;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxInlineMs) throw failure;
      if (failure.status !== 416) await sleep(failure.retryAfterMs ?? retryDelayMs * 2 ** (failures - 1));
      const resumed = await sessionOffset(uploadUrl);
      if (resumed === 'gone') throw SESSION_GONE;
      if (resumed !== undefined) offset = resumed;
    }
  }

  async function sessionOffset(uploadUrl: string): Promise<number | 'gone' | undefined> {
    try {
      const response = await fetchFn(uploadUrl, { method: 'GET', signal: AbortSignal.timeout(fragmentTimeoutMs) });
      if (response.status === 404) return 'gone';
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      return nextOffset(sessionStatus.parse(await response.json()).nextExpectedRanges);
    } catch {
      // The next PUT finds out; its failure counts toward the bound.
      return undefined;
    }
  }

  return {
    async upload(siteUrl, folder, name, content, conflict) {
      const path = checkedSegments(folder, name);
      const driveId = await driveOf(siteUrl);
      const where = `${siteUrl} ${[...path.folder, path.name].join('/')}`;
      try {
        await ensureFolder(driveId, path.folder);
        const target = [...path.folder, path.name];
        if (conflict !== 'version') {
          return stored(await putCheckedIn(driveId, target, content, conflict, undefined), content.byteLength);
        }
        // "replace" keeps the item (same id and URL) and gives it new content; in a library with
        // versioning on (the SharePoint Online default) that content becomes a new version and the
        // earlier ones stay in the version history. A library with versioning turned off would
        // simply overwrite, so the newest version label is compared before and after: when it did
        // not move, the earlier file is gone and the caller hears it instead of success.
        const existing = await itemAt(driveId, target);
        const before = existing && (await newestVersion(driveId, existing.id));
        const item = await putCheckedIn(driveId, target, content, 'replace', existing);
        if (existing) {
          const after = await newestVersion(driveId, item.id);
          if (after === before) {
            throw new LibraryError('invalid', `${where}: the library keeps no versions, so the earlier file was overwritten (version ${before ?? '?'})`);
          }
        }
        return stored(item, content.byteLength);
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) drives.delete(parseLibraryUrl(siteUrl).target);
        throw translate(err, where);
      }
    },

    async asPdf(siteUrl, documentId) {
      const driveId = await driveOf(siteUrl);
      let bytes: Uint8Array;
      try {
        // 302 to a short-lived pre-authenticated URL, which the client follows (without the token
        // when it is on another host); some tenants answer 200 with the PDF directly.
        bytes = await http.download({
          path: `/drives/${encodeId(driveId)}/items/${encodeId(documentId)}/content?format=pdf`,
        });
      } catch (err) {
        throw translate(err, `${siteUrl} item ${documentId} as PDF`);
      }
      if (!Buffer.from(bytes.subarray(0, 5)).equals(Buffer.from('%PDF-'))) {
        throw new LibraryError('invalid', `${siteUrl} item ${documentId}: the conversion gave no PDF`);
      }
      return bytes;
    },
  };
}

/** Thrown inside an upload when the session no longer exists (expired, or cleaned up): start over. */
const SESSION_GONE = new Error('upload session gone');

/** The first byte the session still misses, from ranges like ["26-", "12345-55232"]. */
function nextOffset(ranges: readonly string[]): number | undefined {
  const starts = ranges.map((r) => Number.parseInt(r.split('-')[0] ?? '', 10)).filter((n) => Number.isInteger(n) && n >= 0);
  return starts.length === 0 ? undefined : Math.min(...starts);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
