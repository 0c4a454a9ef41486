import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DocumentLibrary, LibraryError, TransientError } from '../../src/app/ports.js';
import { FRAGMENT_UNIT, graphLibrary, nameProblem, safeName } from '../../src/graph/library.js';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { graphHttpFor } from '../support/graph-client.js';

const SITE = 'https://region.sharepoint.com/sites/Vardvalsrad';
/** As a secretary copies it from the browser's address bar. */
const LIBRARY = `${SITE}/Delade%20dokument/Forms/AllItems.aspx?viewid=5c1b2a3e-0f6e-4c55-9d7e-3a0d2f1b6c77`;

let graph: FakeGraph;
let library: DocumentLibrary;

function libraryFor(fake: FakeGraph, options: Parameters<typeof graphLibrary>[1] = {}): DocumentLibrary {
  return graphLibrary(graphHttpFor(fake, 2), { retryDelaySeconds: 0, ...options });
}

function docx(text: string): Uint8Array {
  // Word files are zips; the bytes only need to be recognisable here. A small Buffer is a view
  // into a shared pool, as renderer output often is: only the view's bytes may be sent.
  const bytes = Buffer.from(`PK\u0003\u0004${text}`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

beforeEach(async () => {
  graph = await startFakeGraph();
  graph.addSite(SITE);
  library = libraryFor(graph);
});

afterEach(async () => {
  await graph.close();
});

describe('minutes into a council SharePoint library', () => {
  it('uploads a small file into a council and year folder it creates, and the second time only finds the folder', async () => {
    const content = docx('Protokoll Vårdvalsråd 30 november');
    const stored = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll 2026-11-30.docx', content, 'fail');

    const [file, ...others] = graph.files(SITE);
    expect(others).toEqual([]);
    expect(file).toMatchObject({ library: 'Delade dokument', path: 'Vårdvalsråd/2026/Protokoll 2026-11-30.docx', versions: 1 });
    expect(file!.content.equals(Buffer.from(content))).toBe(true);
    expect(stored).toEqual({ id: file!.id, name: 'Protokoll 2026-11-30.docx', webUrl: file!.webUrl, size: content.byteLength });
    const createdFolders = graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/children') && r.status === 201);
    expect(createdFolders).toHaveLength(2);

    const before = graph.requests.length;
    await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Kallelse 2026-11-30.docx', docx('Kallelse'), 'fail');
    const second = graph.requests.slice(before);
    expect(second.filter((r) => r.method === 'POST')).toEqual([]);
    // The library was resolved once for this URL: no site or drive lookups the second time.
    expect(second.filter((r) => r.path.includes('/sites/'))).toEqual([]);
    expect(graph.files(SITE).map((f) => f.path)).toEqual(['Vårdvalsråd/2026/Kallelse 2026-11-30.docx', 'Vårdvalsråd/2026/Protokoll 2026-11-30.docx']);
  });

  it("gives the same file a new version with 'version', keeps both with 'rename', and refuses with 'fail'", async () => {
    const first = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('utkast'), 'version');
    const second = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('justerat'), 'version');
    expect(second.id).toBe(first.id);
    let files = graph.files(SITE);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: 'Protokoll.docx', versions: 2 });
    expect(files[0]!.content.toString()).toContain('justerat');

    const renamed = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('en kopia'), 'rename');
    expect(renamed.name).toBe('Protokoll 1.docx');
    expect(renamed.id).not.toBe(first.id);
    files = graph.files(SITE);
    expect(files.map((f) => [f.name, f.versions])).toEqual([
      ['Protokoll 1.docx', 1],
      ['Protokoll.docx', 2],
    ]);

    const refused = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('en till'), 'fail'));
    expect(refused).toBeInstanceOf(LibraryError);
    expect(refused).toMatchObject({ reason: 'conflict' });
    expect(graph.files(SITE).find((f) => f.name === 'Protokoll.docx')!.content.toString()).toContain('justerat');
  });

  it('checks minutes in, in a library that requires check-out, so others see them; a new version too, small or through a session', async () => {
    const site = 'https://region.sharepoint.com/sites/Samordning';
    graph.addSite(site, [{ name: 'Protokoll', requireCheckout: true }]);
    const url = `${site}/Protokoll`;
    await library.upload(url, 'Samordningsråd/2026', 'Protokoll 2026-12-01.docx', docx('Utkast'), 'fail');
    expect(graph.files(site)[0]).toMatchObject({ checkedOut: false, visibleToOthers: true, versions: 1 });

    await library.upload(url, 'Samordningsråd/2026', 'Protokoll 2026-12-01.docx', docx('Justerat'), 'version');
    const [file] = graph.files(site);
    expect(file).toMatchObject({ checkedOut: false, visibleToOthers: true, versions: 2 });
    expect(file!.content.toString()).toContain('Justerat');

    // An attempt whose check-in failed left the file checked out: the next one goes on from there.
    graph.fail(3, 503, undefined, '/checkin');
    expect(await failure(library.upload(url, 'Samordningsråd/2026', 'Protokoll 2026-12-01.docx', docx('Version 3'), 'version'))).toBeInstanceOf(TransientError);
    expect(graph.files(site)[0]).toMatchObject({ checkedOut: true, versions: 2 });
    const checkouts = graph.requests.filter((r) => r.path.endsWith('/checkout')).length;
    await library.upload(url, 'Samordningsråd/2026', 'Protokoll 2026-12-01.docx', docx('Version 3'), 'version');
    expect(graph.files(site)[0]).toMatchObject({ checkedOut: false, versions: 3 });
    expect(graph.requests.filter((r) => r.path.endsWith('/checkout')).length).toBe(checkouts);

    // Through an upload session, as a large file goes.
    const big = new Uint8Array(5 * 1024 * 1024).fill(7);
    await library.upload(url, 'Samordningsråd/2026', 'Bilaga.pdf', big, 'fail');
    expect(graph.files(site).find((f) => f.name === 'Bilaga.pdf')).toMatchObject({ checkedOut: false, visibleToOthers: true, size: big.byteLength });
  });

  it("says so when 'version' overwrote the file because the library keeps no versions", async () => {
    const site = 'https://region.sharepoint.com/sites/Samordning';
    graph.addSite(site, [{ name: 'Dokument', webUrlPath: 'Delade dokument', versioning: false }]);
    await library.upload(`${site}/Delade dokument`, 'Samordningsråd/2026', 'Protokoll.docx', docx('justerat'), 'version');
    const error = await failure(library.upload(`${site}/Delade dokument`, 'Samordningsråd/2026', 'Protokoll.docx', docx('igen'), 'version'));
    expect(error).toBeInstanceOf(LibraryError);
    expect(error).toMatchObject({ reason: 'invalid' });
    expect((error as Error).message).toMatch(/keeps no versions/);
  });

  it('sends a 9 MB file through an upload session in 320 KiB multiples, waits out a 429 mid-session and resumes', async () => {
    const content = new Uint8Array(randomBytes(9_000_000));
    graph.throttle(1, 1, 'uploadSession', { after: 1 });
    const started = Date.now();
    const stored = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll med bilagor.pdf', content, 'fail');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    const [file] = graph.files(SITE);
    expect(file!.size).toBe(content.byteLength);
    expect(file!.content.equals(Buffer.from(content))).toBe(true);
    expect(stored).toMatchObject({ id: file!.id, size: content.byteLength });

    expect(graph.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/content'))).toEqual([]);
    const fragments = graph.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/uploadSession'));
    expect(fragments.map((r) => r.status)).toEqual([202, 429, 202, 201]);
    expect(fragments.every((r) => r.authorization === false)).toBe(true);
    const ranges = fragments.map((r) => /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.contentRange ?? '')!.slice(1).map(Number) as [number, number, number]);
    for (const [start, end, total] of ranges) {
      expect(total).toBe(content.byteLength);
      if (end + 1 < total) expect((end + 1 - start) % FRAGMENT_UNIT).toBe(0);
    }
    expect(ranges.at(-1)![1]).toBe(content.byteLength - 1);
  });

  it('resumes from what the session already has when the answer to a fragment is lost', async () => {
    const content = new Uint8Array(randomBytes(7 * 1024 * 1024));
    graph.dropAnswer(1, 'uploadSession', { after: 1 });
    await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Ljudupptagning.m4a', content, 'fail');
    expect(graph.files(SITE)[0]!.content.equals(Buffer.from(content))).toBe(true);
    const session = graph.requests.filter((r) => r.path.endsWith('/uploadSession'));
    // Asked for the missing ranges and went on after them: the received fragment was not sent again.
    expect(session.map((r) => `${r.method} ${r.status}`)).toEqual(['PUT 202', 'PUT 202', 'GET 200', 'PUT 201']);
    expect(new Set(session.filter((r) => r.method === 'PUT').map((r) => r.contentRange)).size).toBe(3);
  });

  it('retries a throttled simple upload, and fetches one new token when the old one has expired', async () => {
    await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Dagordning.docx', docx('dagordning'), 'fail');
    const tokensBefore = graph.tokenRequests;
    graph.expireTokens();
    graph.throttle(1, 1, ':/content');
    // Into the library's root: the PUT is the first request, so it meets both the 429 and the expired token.
    await library.upload(LIBRARY, '', 'Protokoll.docx', docx('protokoll'), 'fail');
    const puts = graph.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('Protokoll.docx:/content'));
    expect(puts.map((r) => r.status)).toEqual([429, 401, 201]);
    expect(graph.tokenRequests - tokensBefore).toBe(1);
    expect(graph.files(SITE).map((f) => [f.path, f.versions])).toEqual([
      ['Protokoll.docx', 1],
      ['Vårdvalsråd/2026/Dagordning.docx', 1],
    ]);
  });

  it('tells an app without access (403) apart from a site or library that is not there (404)', async () => {
    graph.addSite('https://region.sharepoint.com/sites/Samordning');
    graph.denySite(SITE, 403);
    const denied = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('x'), 'fail'));
    expect(denied).toBeInstanceOf(LibraryError);
    expect(denied).toMatchObject({ reason: 'denied' });

    const missing = await failure(library.upload('https://region.sharepoint.com/sites/Finnsinte/Delade%20dokument', 'Råd', 'Protokoll.docx', docx('x'), 'fail'));
    expect(missing).toBeInstanceOf(LibraryError);
    expect(missing).toMatchObject({ reason: 'notFound' });

    const noLibrary = await failure(library.upload('https://region.sharepoint.com/sites/Samordning/Arkiv/Forms/AllItems.aspx', 'Råd', 'Protokoll.docx', docx('x'), 'fail'));
    expect(noLibrary).toBeInstanceOf(LibraryError);
    expect(noLibrary).toMatchObject({ reason: 'notFound' });

    // Access that comes later is found: a refused lookup is not remembered.
    graph.denySite(SITE, 404);
    expect(await failure(library.upload(LIBRARY, 'Råd', 'Protokoll.docx', docx('x'), 'fail'))).toMatchObject({ reason: 'notFound' });
    expect(graph.files(SITE)).toEqual([]);
  });

  it('reports a full library (507) for small files and for upload sessions, and stores nothing', async () => {
    graph.libraryFull(SITE);
    const small = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('x'), 'fail'));
    expect(small).toBeInstanceOf(LibraryError);
    expect(small).toMatchObject({ reason: 'full' });
    const large = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Bilagor.pdf', new Uint8Array(5 * 1024 * 1024), 'rename'));
    expect(large).toMatchObject({ reason: 'full' });
    expect(graph.files(SITE)).toEqual([]);
  });

  it('makes names safe for SharePoint, keeping Swedish letters, and refuses unsafe ones before asking Graph', async () => {
    const unsafe = 'Protokoll "Vårdvalsråd" 2026-11-30: punkt 3 <bordlagd>? * a/b\\c | slut.docx';
    const safe = safeName(unsafe);
    expect(safe).toBe('Protokoll -Vårdvalsråd- 2026-11-30- punkt 3 -bordlagd-- - a-b-c - slut.docx');
    expect(safeName('  .Åtgärder för året. ')).toBe('Åtgärder för året');
    expect(safeName('CON')).toBe('CON-');
    expect(safeName('desktop.ini')).toBe('desktop-.ini');
    expect(safeName('Möte _vti_ 3')).toBe('Möte -vti- 3');
    const long = safeName(`${'Långt namn '.repeat(30)}.docx`);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('.docx')).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const name = safeName(text);
        expect(nameProblem(name)).toBeUndefined();
        expect(() => encodeURIComponent(name)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );

    const before = graph.requests.length;
    for (const [folder, name] of [
      ['Vårdvalsråd/2026', unsafe],
      ['Vårdvalsråd/2026 ', 'Protokoll.docx'],
      ['Vårdvalsråd/_vti_cnf', 'Protokoll.docx'],
      ['Vårdvalsråd', 'CON.docx'],
    ] as const) {
      const error = await failure(library.upload(LIBRARY, folder, name, docx('x'), 'fail'));
      expect(error, `${folder} / ${name}`).toBeInstanceOf(LibraryError);
      expect(error).toMatchObject({ reason: 'invalid' });
    }
    expect(graph.requests.length).toBe(before);

    const stored = await library.upload(LIBRARY, safeName('Vårdvalsråd: Skåne/Blekinge'), safe, docx('x'), 'fail');
    expect(stored.name).toBe(safe);
    // % and # are allowed in SharePoint Online names, and must arrive as written, not decoded twice.
    await library.upload(LIBRARY, 'Bilagor', 'Bilaga 100%41 #3 & annat.md', new Uint8Array(Buffer.from('# Bilaga')), 'fail');
    expect(graph.files(SITE).map((f) => f.path)).toEqual(['Bilagor/Bilaga 100%41 #3 & annat.md', `Vårdvalsråd- Skåne-Blekinge/${safe}`]);
  });

  it('gets a Word file back as PDF, and says when a file cannot be converted', async () => {
    const stored = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Protokoll.docx', docx('protokoll'), 'fail');
    const pdf = await library.asPdf(LIBRARY, stored.id);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(Buffer.from(pdf).toString('latin1')).toContain('%%EOF');
    // The redirect was followed to the pre-authenticated URL, which is outside Graph.
    expect(graph.requests.filter((r) => r.path === '/_layouts/15/download.aspx').map((r) => r.status)).toEqual([200]);

    const archive = await library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Bilagor.zip', new Uint8Array([0x50, 0x4b, 5, 6]), 'fail');
    const error = await failure(library.asPdf(LIBRARY, archive.id));
    expect(error).toBeInstanceOf(LibraryError);
    expect(error).toMatchObject({ reason: 'invalid' });
    expect(await failure(library.asPdf(LIBRARY, '01NOSUCHITEM'))).toMatchObject({ reason: 'notFound' });
  });

  it('resolves the library from a browser URL: a view page, spaces, another case, a copied link, or the site alone', async () => {
    const site = 'https://region.sharepoint.com/teams/Primarvard';
    graph.addSite(site, [
      { name: 'Dokument', webUrlPath: 'Shared Documents' },
      { name: 'Protokoll arkiv', webUrlPath: 'Protokollarkiv' },
    ]);
    await library.upload(`${site}/Protokollarkiv/Forms/AllItems.aspx?id=%2Fteams%2FPrimarvard%2FProtokollarkiv`, 'Råd', 'a.docx', docx('a'), 'fail');
    await library.upload('https://REGION.sharepoint.com/teams/primarvard/Shared Documents/Forms/AllItems.aspx', 'Råd', 'b.docx', docx('b'), 'fail');
    await library.upload('https://region.sharepoint.com/:f:/r/teams/Primarvard/Protokollarkiv/R%C3%A5d?csf=1&web=1&e=Xy12Ab', 'Råd', 'c.docx', docx('c'), 'fail');
    await library.upload(site, 'Råd', 'd.docx', docx('d'), 'fail');
    // No webUrl match: the library's name after the site path is accepted too.
    await library.upload(`${site}/Protokoll arkiv`, 'Råd', 'e.docx', docx('e'), 'fail');
    expect(graph.files(site).map((f) => `${f.library}: ${f.path}`)).toEqual([
      'Dokument: Råd/b.docx',
      'Dokument: Råd/d.docx',
      'Protokoll arkiv: Råd/a.docx',
      'Protokoll arkiv: Råd/c.docx',
      'Protokoll arkiv: Råd/e.docx',
    ]);
  });

  it('gives up on a long Retry-After as transient, with the wait, instead of sitting it out', async () => {
    graph.throttle(1, 300, '/createUploadSession');
    const error = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Stor.pdf', new Uint8Array(5 * 1024 * 1024), 'fail'));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(300_000);

    graph.throttle(1, 300, 'uploadSession', { after: 1 });
    const midway = await failure(library.upload(LIBRARY, 'Vårdvalsråd/2026', 'Stor.pdf', new Uint8Array(8 * 1024 * 1024), 'fail'));
    expect(midway).toBeInstanceOf(TransientError);
    expect((midway as TransientError).retryAfterMs).toBe(300_000);
    expect(graph.files(SITE)).toEqual([]);
  });
});
