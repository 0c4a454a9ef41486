import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type ClientRequest } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeEvent, type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { testCertificate } from '../support/tls.js';

const MAILBOX = 'Vardvalsradet@Region.se';
const GRAPH_SCOPES = ['https://graph.microsoft.com/.default'];

let fake: FakeGraph;

beforeEach(async () => {
  fake = await startFakeGraph({ mailboxes: [MAILBOX] });
});

afterEach(async () => {
  await fake.close();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function token(): Promise<string> {
  const res = await fetch(fake.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      scope: GRAPH_SCOPES[0]!,
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function graph(
  method: string,
  pathOrUrl: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const bearer = options.token === undefined ? await token() : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${fake.graphBaseUrl}${pathOrUrl}`;
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const events = `/users/${encodeURIComponent(MAILBOX)}/events`;

function eventPath(id: string): string {
  return `${events}/${encodeURIComponent(id)}`;
}

function councilMeeting(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subject: 'Vårdvalsrådet',
    body: { contentType: 'text', content: 'Dagordning\n1. Mötets öppnande' },
    start: { dateTime: '2026-11-30T10:00:00', timeZone: 'Europe/Stockholm' },
    end: { dateTime: '2026-11-30T12:00:00', timeZone: 'Europe/Stockholm' },
    location: { displayName: 'Regionhuset, sal 3' },
    attendees: [{ emailAddress: { address: 'anna.berg@region.se', name: 'Anna Berg' }, type: 'required' }],
    categories: ['Vårdvalsrådet'],
    isOnlineMeeting: true,
    onlineMeetingProvider: 'teamsForBusiness',
    ...overrides,
  };
}

/** Every page of a delta round, following nextLinks; the deltaLink of the last page. */
async function deltaRound(firstUrl: string, headers: Record<string, string> = {}): Promise<{ pages: any[][]; deltaLink: string }> {
  const pages: any[][] = [];
  let url: string | undefined = firstUrl;
  const bearer = await token();
  while (url) {
    const page = await graph('GET', url, { token: bearer, headers });
    expect(page.status).toBe(200);
    expect(page.json['@odata.context']).toBe(`${fake.graphBaseUrl}/$metadata#Collection(event)`);
    pages.push(page.json.value);
    if (page.json['@odata.deltaLink']) return { pages, deltaLink: page.json['@odata.deltaLink'] };
    url = page.json['@odata.nextLink'];
    expect(url?.startsWith(`${fake.url}/v1.0/`)).toBe(true);
  }
  throw new Error('delta round ended without a deltaLink');
}

function deltaStart(start: string, end: string): string {
  return `${fake.graphBaseUrl}/users/${encodeURIComponent(MAILBOX)}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
}

/**
 * Hosts this process opened http(s) requests to while `body` ran, through node:http(s) or fetch
 * (MSAL 3 used node:https, MSAL 7 uses fetch).
 */
async function hostsContacted(body: () => Promise<void>): Promise<string[]> {
  const hosts: string[] = [];
  const onHttp = (message: unknown) => hosts.push((message as { request: ClientRequest }).request.host);
  const onFetch = (message: unknown) => hosts.push(new URL((message as { request: { origin: string } }).request.origin).hostname);
  subscribe('http.client.request.start', onHttp);
  subscribe('undici:request:create', onFetch);
  try {
    await body();
  } finally {
    unsubscribe('http.client.request.start', onHttp);
    unsubscribe('undici:request:create', onFetch);
  }
  return hosts;
}

function msal(auth: Partial<Configuration['auth']>): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: fake.clientId, authority: fake.authority, knownAuthorities: [fake.knownAuthority], ...auth },
  });
}

describe('TLS', () => {
  it('a worker trusts the fake through NODE_EXTRA_CA_CERTS, with verification on', async () => {
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    expect(extra).toBeTruthy();
    expect(readFileSync(extra!, 'utf8')).toContain(readFileSync(testCertificate().caFile, 'utf8').trim());
    const res = await fetch(`${fake.authority}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);

    // the same kind of server with a certificate nobody trusts must be refused
    const dir = mkdtempSync(join(tmpdir(), 'untrusted-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1']
          .concat(['-keyout', join(dir, 'k'), '-out', join(dir, 'c')]),
        { stdio: 'pipe' },
      );
      const server = createServer({ key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) }, (_req, r) => r.end('hi'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const refused = await fetch(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`).then(
          () => undefined,
          (e: Error & { cause?: { code?: string } }) => e.cause?.code,
        );
        expect(refused).toMatch(/SELF_SIGNED/);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a child process (the bot under test) trusts it when given NODE_EXTRA_CA_CERTS=caFile', async () => {
    const probe = `fetch(${JSON.stringify(`${fake.authority}/v2.0/.well-known/openid-configuration`)}).then((r) => console.log(r.status))`;
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH, ...env } }).then(
        (r) => r.stdout.trim(),
        () => 'refused',
      );
    expect(await run({ NODE_EXTRA_CA_CERTS: testCertificate().caFile })).toBe('200');
    expect(await run({})).toBe('refused');
  });
});

describe('Entra ID token endpoint, through MSAL', () => {
  it('client secret: knownAuthorities keeps MSAL on the fake, and the token opens Graph', async () => {
    const app = msal({ clientSecret: fake.clientSecret });
    let accessToken = '';
    const hosts = await hostsContacted(async () => {
      const result = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
      accessToken = result!.accessToken;
      // MSAL answers the second call from its cache
      await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
    });
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
    expect(fake.identityRequests.map((r) => `${r.method} ${r.path.replace(fake.tenantId, '{tenant}')} ${r.status}`)).toEqual([
      'GET /{tenant}/v2.0/.well-known/openid-configuration 200',
      'POST /{tenant}/oauth2/v2.0/token 200',
    ]);
    expect(fake.identityRequests[1]!.credential).toBe('client_secret');
    expect(fake.tokenRequests).toBe(1);
    expect((await graph('GET', events, { token: accessToken })).status).toBe(200);
  });

  it('a wrong secret is invalid_client with AADSTS7000215', async () => {
    const app = msal({ clientSecret: 'not-the-secret' });
    const error = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES }).then(
      () => undefined,
      (e: { errorCode?: string; errorMessage?: string }) => e,
    );
    expect(error?.errorCode).toBe('invalid_client');
    expect(error?.errorMessage).toContain('AADSTS7000215');
    expect(fake.tokenRequests).toBe(0);
  });

  it('client certificate (SHA-256 thumbprint, PS256, x5c) is verified against the registered certificate', async () => {
    const cert = fake.appCertificate;
    const app = msal({ clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKey, x5c: cert.certificate } });
    const result = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
    expect(result?.accessToken).toBeTruthy();
    expect(fake.identityRequests.at(-1)).toMatchObject({ credential: 'client_assertion', status: 200 });
    expect((await graph('GET', events, { token: result!.accessToken })).status).toBe(200);
  });

  it('client certificate with the SHA-1 thumbprint (RS256) works too', async () => {
    const cert = fake.appCertificate;
    const app = msal({ clientCertificate: { thumbprint: cert.thumbprint, privateKey: cert.privateKey } });
    expect((await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES }))?.accessToken).toBeTruthy();
  });

  it('an assertion signed with another key is refused (AADSTS700027)', async () => {
    const otherKey = readFileSync(testCertificate().keyFile, 'utf8');
    const app = msal({ clientCertificate: { thumbprintSha256: fake.appCertificate.thumbprintSha256, privateKey: otherKey } });
    const error = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES }).then(
      () => undefined,
      (e: { errorCode?: string; errorMessage?: string }) => e,
    );
    expect(error?.errorCode).toBe('invalid_client');
    expect(error?.errorMessage).toContain('AADSTS700027');
    expect(fake.tokenRequests).toBe(0);
  });

  it('authorityMetadata and cloudDiscoveryMetadata: MSAL asks for nothing but the token', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: fake.clientId,
        authority: fake.authority,
        clientSecret: fake.clientSecret,
        authorityMetadata: fake.authorityMetadata,
        cloudDiscoveryMetadata: fake.cloudDiscoveryMetadata,
      },
    });
    const hosts = await hostsContacted(async () => {
      await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
    });
    expect(hosts).toEqual(['127.0.0.1']);
    expect(fake.identityRequests.map((r) => r.path)).toEqual([`/${fake.tenantId}/oauth2/v2.0/token`]);
  });

  it('expired tokens get 401 InvalidAuthenticationToken; a fresh one works', async () => {
    const app = msal({ clientSecret: fake.clientSecret });
    const first = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
    fake.expireTokens();
    const refused = await graph('GET', events, { token: first!.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('InvalidAuthenticationToken');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    // MSAL still has the old token cached; skipCache is how a client gets past it
    const cached = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES });
    expect(cached!.accessToken).toBe(first!.accessToken);
    const fresh = await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES, skipCache: true });
    expect((await graph('GET', events, { token: fresh!.accessToken })).status).toBe(200);
    expect((await graph('GET', events, { token: null })).json.error.code).toBe('InvalidAuthenticationToken');
  });

  it('tokenLifetimeSeconds is honoured', async () => {
    fake.tokenLifetimeSeconds = 1;
    const short = await token();
    expect((await graph('GET', events, { token: short })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await graph('GET', events, { token: short })).status).toBe(401);
  });
});

describe('Graph client', () => {
  it('sends the token to the fake only when its host is in customHosts', async () => {
    const app = msal({ clientSecret: fake.clientSecret });
    const authProvider = {
      getAccessToken: async () => (await app.acquireTokenByClientCredential({ scopes: GRAPH_SCOPES }))!.accessToken,
    };
    const client = Client.initWithMiddleware({ authProvider, baseUrl: `${fake.url}/`, customHosts: new Set(['127.0.0.1']) });
    const created = (await client.api(events).post(councilMeeting())) as FakeEvent;
    expect(created.subject).toBe('Vårdvalsrådet');

    const withoutHosts = Client.initWithMiddleware({ authProvider, baseUrl: `${fake.url}/` });
    await expect(withoutHosts.api(events).get()).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('events', () => {
  it('creates a full Graph event, in UTC unless the client prefers a zone', async () => {
    const created = await graph('POST', events, { body: councilMeeting() });
    expect(created.status).toBe(201);
    const e = created.json;
    expect(e['@odata.context']).toContain('/events/$entity');
    expect(e.id).toMatch(/^AAMkA[\w-]+=$/);
    expect(e.start).toEqual({ dateTime: '2026-11-30T09:00:00.0000000', timeZone: 'UTC' });
    expect(e.end).toEqual({ dateTime: '2026-11-30T11:00:00.0000000', timeZone: 'UTC' });
    expect(e.originalStartTimeZone).toBe('Europe/Stockholm');
    expect(e.location).toMatchObject({ displayName: 'Regionhuset, sal 3' });
    expect(e.locations).toEqual([{ displayName: 'Regionhuset, sal 3', locationType: 'default', uniqueIdType: 'unknown' }]);
    expect(e.attendees).toEqual([
      { type: 'required', status: { response: 'none', time: '0001-01-01T00:00:00Z' }, emailAddress: { address: 'anna.berg@region.se', name: 'Anna Berg' } },
    ]);
    expect(e.categories).toEqual(['Vårdvalsrådet']);
    expect(e.isOnlineMeeting).toBe(true);
    expect(e.onlineMeetingProvider).toBe('teamsForBusiness');
    expect(e.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(e.isCancelled).toBe(false);
    expect(e.organizer.emailAddress.address).toBe(MAILBOX);
    expect(e.body.contentType).toBe('html');
    expect(e.body.content).toContain('Dagordning<br>');
    expect(e.body.content).toContain(e.onlineMeeting.joinUrl);
    expect(e.bodyPreview.startsWith('Dagordning 1. Mötets öppnande')).toBe(true);
    for (const key of ['createdDateTime', 'lastModifiedDateTime', 'changeKey', 'iCalUId', 'webLink', 'transactionId']) expect(e).toHaveProperty(key);

    const stockholm = await graph('GET', eventPath(e.id), { headers: { Prefer: 'outlook.timezone="Europe/Stockholm"' } });
    expect(stockholm.json.start).toEqual({ dateTime: '2026-11-30T10:00:00.0000000', timeZone: 'Europe/Stockholm' });
    expect(stockholm.headers.get('preference-applied')).toBe('outlook.timezone="Europe/Stockholm"');
    const asText = await graph('GET', eventPath(e.id), { headers: { Prefer: 'outlook.body-content-type="text"' } });
    expect(asText.json.body.content.startsWith('Dagordning\n1. Mötets öppnande')).toBe(true);
  });

  it('a create repeated with the same transactionId returns the first event instead of a second one', async () => {
    const body = councilMeeting({ transactionId: '7d5c0f3a-council-meeting-42' });
    const first = await graph('POST', events, { body });
    const second = await graph('POST', events, { body });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json.id).toBe(first.json.id);
    expect(second.json.transactionId).toBe('7d5c0f3a-council-meeting-42');
    expect(fake.events(MAILBOX)).toHaveLength(1);

    const different = await graph('POST', events, { body: { ...body, subject: 'Något annat' } });
    expect(different.status).toBe(400);
    expect(different.json.error.code).toBe('ErrorDuplicateTransactionId');
    expect(fake.events(MAILBOX)).toHaveLength(1);
  });

  it('rejects what Graph rejects', async () => {
    for (const missing of ['subject', 'start', 'end']) {
      const body = councilMeeting();
      delete body[missing];
      const res = await graph('POST', events, { body });
      expect(res.status, missing).toBe(400);
      expect(res.json.error.code).toBe('ErrorInvalidRequest');
    }
    const typo = await graph('POST', events, { body: councilMeeting({ subjet: 'x' }) });
    expect([typo.status, typo.json.error.code]).toEqual([400, 'RequestBodyRead']);
    const zone = await graph('POST', events, { body: councilMeeting({ start: { dateTime: '2026-11-30T10:00:00', timeZone: 'Mars/Olympus' } }) });
    expect([zone.status, zone.json.error.code]).toEqual([400, 'TimeZoneNotSupportedException']);
    const backwards = await graph('POST', events, { body: councilMeeting({ end: { dateTime: '2026-11-30T09:00:00', timeZone: 'Europe/Stockholm' } }) });
    expect(backwards.json.error.code).toBe('ErrorCalendarEndDateIsEarlierThanStartDate');
    const notJson = await graph('POST', events, { body: '{"subject":' });
    expect([notJson.status, notJson.json.error.code]).toEqual([400, 'BadRequest']);
    expect(fake.events(MAILBOX)).toHaveLength(0);
  });

  it('PATCH changes what it names and nothing else', async () => {
    const created = (await graph('POST', events, { body: councilMeeting() })).json;
    const patched = await graph('PATCH', eventPath(created.id), {
      body: { subject: 'Vårdvalsrådet (flyttat)', start: { dateTime: '2026-12-01T13:00:00', timeZone: 'W. Europe Standard Time' }, end: { dateTime: '2026-12-01T15:00:00', timeZone: 'W. Europe Standard Time' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.subject).toBe('Vårdvalsrådet (flyttat)');
    expect(patched.json.start.dateTime).toBe('2026-12-01T12:00:00.0000000');
    expect(patched.json.location.displayName).toBe('Regionhuset, sal 3');
    expect(patched.json.changeKey).not.toBe(created.changeKey);
    expect(patched.json.id).toBe(created.id);

    const stale = await graph('PATCH', eventPath(created.id), { body: { subject: 'x' }, headers: { 'If-Match': `W/"${created.changeKey}"` } });
    expect(stale.status).toBe(412);
    const unknown = await graph('PATCH', eventPath('AAMkAdoesnotexist='), { body: { subject: 'x' } });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'ErrorItemNotFound']);

    expect((await graph('DELETE', eventPath(created.id))).status).toBe(204);
    expect((await graph('PATCH', eventPath(created.id), { body: { subject: 'x' } })).status).toBe(404);
    expect((await graph('GET', eventPath(created.id))).status).toBe(404);
  });

  it('cancel: 202, the event leaves the calendar, delta reports it removed, a second cancel is 404', async () => {
    const created = (await graph('POST', `/users/${MAILBOX}/calendar/events`, { body: councilMeeting() })).json;
    const { deltaLink } = await deltaRound(deltaStart('2026-11-01T00:00:00Z', '2027-01-01T00:00:00Z'));

    const cancelled = await graph('POST', `${eventPath(created.id)}/cancel`, { body: { Comment: 'Mötet ställs in.' } });
    expect(cancelled.status).toBe(202);
    expect(cancelled.text).toBe('');
    expect((await graph('GET', eventPath(created.id))).status).toBe(404);
    expect(fake.events(MAILBOX)).toEqual([]);

    const { pages } = await deltaRound(deltaLink);
    expect(pages.flat()).toEqual([{ '@odata.type': '#microsoft.graph.event', id: created.id, '@removed': { reason: 'deleted' } }]);

    const again = await graph('POST', `${eventPath(created.id)}/cancel`, { body: { Comment: 'igen' } });
    expect([again.status, again.json.error.code]).toEqual([404, 'ErrorItemNotFound']);
  });
});

describe('online meetings, attendee mail and mailboxes', () => {
  it('a PATCHed body without the join block disables the online meeting; one that keeps it does not', async () => {
    const created = (await graph('POST', events, { body: councilMeeting() })).json;
    const join: string = created.onlineMeeting.joinUrl;
    const kept = created.body.content.replace('Dagordning', 'Ny dagordning');
    const keeping = await graph('PATCH', eventPath(created.id), { body: { body: { contentType: 'html', content: kept } } });
    expect([keeping.json.isOnlineMeeting, keeping.json.onlineMeeting?.joinUrl]).toEqual([true, join]);
    const dropping = await graph('PATCH', eventPath(created.id), { body: { body: { contentType: 'html', content: '<p>Ny dagordning</p>' }, isOnlineMeeting: true } });
    expect([dropping.json.isOnlineMeeting, dropping.json.onlineMeeting]).toEqual([false, null]);
    expect(dropping.json.body.content).not.toContain(join);
    // Asked again on its own, the event becomes online again, with a new link.
    const again = await graph('PATCH', eventPath(created.id), { body: { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' } });
    expect(again.json.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect(again.json.onlineMeeting.joinUrl).not.toBe(join);
  });

  it('mails an invitation on create, every attendee on an update, only the changed ones on an attendees-only update', async () => {
    const created = (await graph('POST', events, { body: councilMeeting() })).json;
    await graph('PATCH', eventPath(created.id), { body: { location: { displayName: 'Sal 4' } } });
    await graph('PATCH', eventPath(created.id), {
      body: { attendees: [...created.attendees, { emailAddress: { address: 'bo.ek@region.se', name: 'Bo Ek' }, type: 'required' }] },
    });
    await graph('PATCH', eventPath(created.id), { body: { attendees: [{ emailAddress: { address: 'bo.ek@region.se', name: 'Bo Ek' }, type: 'required' }] } });
    await graph('POST', `${eventPath(created.id)}/cancel`, { body: { Comment: 'Inställt' } });
    expect(fake.mails(MAILBOX).map((m) => [m.kind, m.to])).toEqual([
      ['invitation', ['anna.berg@region.se']],
      ['update', ['anna.berg@region.se']],
      ['invitation', ['bo.ek@region.se']],
      ['cancellation', ['anna.berg@region.se']],
      ['cancellation', ['bo.ek@region.se']],
    ]);
  });

  it('a calendar without Teams among its allowedOnlineMeetingProviders saves an online event without a link, and says why', async () => {
    expect((await graph('GET', `/users/${MAILBOX}/calendar`)).json).toMatchObject({ allowedOnlineMeetingProviders: ['teamsForBusiness'], defaultOnlineMeetingProvider: 'teamsForBusiness' });
    fake.setOnlineMeetingProviders(MAILBOX, []);
    expect((await graph('GET', `/users/${MAILBOX}/calendar`)).json).toMatchObject({ allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: 'unknown' });
    const created = await graph('POST', events, { body: councilMeeting() });
    expect(created.status).toBe(201);
    expect([created.json.isOnlineMeeting, created.json.onlineMeeting]).toEqual([false, null]);
  });

  it('knows a mailbox by id or UPN only; its alias is found by filtering proxyAddresses, with User.Read.All', async () => {
    fake.addAlias(MAILBOX, 'VVR@region.se');
    const byAlias = await graph('GET', '/users/vvr@region.se/events');
    expect([byAlias.status, byAlias.json.error.code]).toEqual([404, 'ErrorInvalidUser']);
    const filter = encodeURIComponent("proxyAddresses/any(x:x eq 'smtp:vvr@region.se')");
    const refused = await graph('GET', `/users?$filter=${filter}`);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'Authorization_RequestDenied']);
    fake.grantUserRead();
    const found = await graph('GET', `/users?$filter=${filter}&$select=id,userPrincipalName`);
    expect(found.json.value.map((u: { userPrincipalName: string }) => u.userPrincipalName)).toEqual([MAILBOX]);
    const user = (await graph('GET', `/users/${MAILBOX}?$select=id`)).json;
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await graph('GET', `/users?$filter=${encodeURIComponent("displayName eq 'x'")}`)).status).toBe(400);
  });

  it('onlineMeetings: refused without an application access policy; createOrGet gives the same meeting for the same externalId', async () => {
    fake.grantUserRead();
    const id = (await graph('GET', `/users/${MAILBOX}?$select=id`)).json.id;
    const body = { externalId: 'meeting-1', subject: 'Vårdvalsrådet', startDateTime: '2026-11-30T09:00:00Z', endDateTime: '2026-11-30T11:00:00Z' };
    const refused = await graph('POST', `/users/${id}/onlineMeetings/createOrGet`, { body });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('is not authorized to Create meeting on behalf of user');
    fake.allowOnlineMeetings(MAILBOX);
    expect((await graph('POST', `/users/${MAILBOX}/onlineMeetings/createOrGet`, { body })).status).toBe(400);
    const first = await graph('POST', `/users/${id}/onlineMeetings/createOrGet`, { body });
    const second = await graph('POST', `/users/${id}/onlineMeetings/createOrGet`, { body });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.json.joinWebUrl).toBe(first.json.joinWebUrl);
    expect(fake.onlineMeetings(MAILBOX)).toHaveLength(1);
  });
});

describe('a SharePoint library that requires check-out', () => {
  it('keeps a new file checked out and unseen until check-in, and refuses new content for a file nobody checked out', async () => {
    const site = fake.addSite('https://region.sharepoint.com/sites/Rad', [{ name: 'Protokoll', requireCheckout: true }]);
    const drive = site.drives[0]!.id;
    const bearer = await token();
    const put = (text: string) =>
      fetch(`${fake.graphBaseUrl}/drives/${drive}/root:/Protokoll.docx:/content`, { method: 'PUT', headers: { Authorization: `Bearer ${bearer}` }, body: text }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
    const created = await put('v1');
    expect(created.json.publication).toMatchObject({ level: 'checkout' });
    expect(fake.files(site.webUrl)[0]).toMatchObject({ checkedOut: true, visibleToOthers: false, versions: 0 });
    const item = `/drives/${drive}/items/${created.json.id}`;
    expect((await graph('POST', `${item}/checkin`, { body: { comment: 'Klart' } })).status).toBe(204);
    expect(fake.files(site.webUrl)[0]).toMatchObject({ checkedOut: false, visibleToOthers: true, versions: 1 });
    const again = await graph('POST', `${item}/checkin`, { body: {} });
    expect([again.status, again.json.error.message]).toEqual([400, 'The file is not checked out.']);

    expect((await put('v2')).status).toBe(423);
    expect((await graph('POST', `${item}/checkout`)).status).toBe(204);
    expect((await put('v2')).status).toBe(200);
    expect((await graph('GET', `${item}/versions`)).json.value.map((v: { id: string }) => v.id)).toEqual(['1.0']);
    await graph('POST', `${item}/checkin`, { body: {} });
    expect((await graph('GET', `${item}/versions`)).json.value.map((v: { id: string }) => v.id)).toEqual(['2.0', '1.0']);
  });
});

describe('calendarView delta', () => {
  const window = ['2026-09-01T00:00:00Z', '2026-12-31T00:00:00Z'] as const;

  function seed(count: number): FakeEvent[] {
    return Array.from({ length: count }, (_, i) =>
      fake.outlookCreate(MAILBOX, {
        subject: `Möte ${i + 1}`,
        start: new Date(Date.UTC(2026, 9, 1 + i, 8)).toISOString(),
        end: new Date(Date.UTC(2026, 9, 1 + i, 9)).toISOString(),
        location: 'Sal 1',
        categories: ['Samordningsrådet'],
      }),
    );
  }

  it('pages the first round, then reports only what changed in Outlook', async () => {
    const seeded = seed(25);
    fake.outlookCreate(MAILBOX, { subject: 'Utanför fönstret', start: '2027-03-01T08:00:00Z', end: '2027-03-01T09:00:00Z' });

    const first = await deltaRound(deltaStart(...window), { Prefer: 'odata.maxpagesize=10' });
    expect(first.pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const items = first.pages.flat();
    expect(items.map((e) => e.subject)).toEqual(seeded.map((e) => e.subject));
    expect(items[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.event',
      subject: 'Möte 1',
      categories: ['Samordningsrådet'],
      location: { displayName: 'Sal 1' },
      isCancelled: false,
      start: { dateTime: '2026-10-01T08:00:00.0000000', timeZone: 'UTC' },
    });

    fake.outlookUpdate(MAILBOX, seeded[3]!.id, { subject: 'Möte 4 (ny tid)', start: '2026-10-04T12:00:00Z', end: '2026-10-04T13:00:00Z' });
    fake.outlookDelete(MAILBOX, seeded[7]!.id);
    fake.outlookUpdate(MAILBOX, seeded[9]!.id, { start: '2027-02-01T08:00:00Z', end: '2027-02-01T09:00:00Z' });
    fake.outlookMarkCancelled(MAILBOX, seeded[11]!.id);

    const second = await deltaRound(first.deltaLink);
    const changes = second.pages.flat();
    expect(changes).toHaveLength(4);
    expect(changes[0]).toMatchObject({ id: seeded[3]!.id, subject: 'Möte 4 (ny tid)', start: { dateTime: '2026-10-04T12:00:00.0000000' } });
    expect(changes[1]).toEqual({ '@odata.type': '#microsoft.graph.event', id: seeded[7]!.id, '@removed': { reason: 'deleted' } });
    // moved out of the window: removed, as far as this calendar view is concerned
    expect(changes[2]).toEqual({ '@odata.type': '#microsoft.graph.event', id: seeded[9]!.id, '@removed': { reason: 'deleted' } });
    expect(changes[3]).toMatchObject({ id: seeded[11]!.id, isCancelled: true, subject: 'Canceled: Möte 12' });

    const third = await deltaRound(second.deltaLink);
    expect(third.pages.flat()).toEqual([]);
  });

  it('takes the page size from each request, pageSize when there is none', async () => {
    seed(25);
    const bearer = await token();
    const page1 = await graph('GET', deltaStart(...window), { token: bearer, headers: { Prefer: 'odata.maxpagesize=5' } });
    expect(page1.json.value).toHaveLength(5);
    expect(page1.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
    const page2 = await graph('GET', page1.json['@odata.nextLink'], { token: bearer });
    expect(page2.json.value).toHaveLength(10);
    // a repeated nextLink gives the same page again
    const again = await graph('GET', page1.json['@odata.nextLink'], { token: bearer });
    expect(again.json.value.map((e: FakeEvent) => e.id)).toEqual(page2.json.value.map((e: FakeEvent) => e.id));
    fake.pageSize = 20;
    const page3 = await graph('GET', page2.json['@odata.nextLink'], { token: bearer });
    expect(page3.json.value).toHaveLength(10);
    expect(page3.json['@odata.deltaLink']).toBeTruthy();
  });

  it('needs a window, and refuses $top', async () => {
    const noWindow = await graph('GET', `/users/${MAILBOX}/calendarView/delta`);
    expect([noWindow.status, noWindow.json.error.code]).toEqual([400, 'ErrorInvalidParameter']);
    const top = await graph('GET', `${deltaStart(...window)}&$top=5`);
    expect([top.status, top.json.error.code]).toEqual([400, 'ErrorInvalidUrlQuery']);
  });

  it('expired delta state is 410 syncStateNotFound, with a Location that starts over', async () => {
    seed(3);
    const { deltaLink } = await deltaRound(deltaStart(...window), { Prefer: 'odata.maxpagesize=2' });
    const bearer = await token();
    const partway = (await graph('GET', deltaStart(...window), { token: bearer, headers: { Prefer: 'odata.maxpagesize=2' } })).json['@odata.nextLink'];
    fake.expireDeltaTokens();
    for (const link of [deltaLink, partway]) {
      const gone = await graph('GET', link, { token: bearer });
      expect([gone.status, gone.json.error.code]).toEqual([410, 'syncStateNotFound']);
      const restart = gone.headers.get('location')!;
      expect((await deltaRound(restart)).pages.flat()).toHaveLength(3);
    }
  });
});

describe('mailboxes, errors and faults', () => {
  it('mailboxes: case-insensitive, by address or id; unknown is 404, denied is 403; no /me', async () => {
    expect((await graph('GET', `/users/${MAILBOX.toUpperCase()}/events`)).status).toBe(200);
    const unknown = await graph('GET', '/users/okand@region.se/events');
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'ErrorInvalidUser']);
    fake.addMailbox('samordning@region.se');
    fake.denyMailbox('Samordning@Region.se');
    const denied = await graph('POST', '/users/samordning@region.se/events', { body: councilMeeting() });
    expect(denied.status).toBe(403);
    expect(denied.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
    expect((await graph('GET', '/me/events')).status).toBe(400);
    expect((await graph('GET', '/users/x/nonsense')).status).toBe(404);
  });

  it('every answer carries request-id, echoes client-request-id, and errors say it again', async () => {
    const res = await graph('GET', '/users/okand@region.se/events', { headers: { 'client-request-id': 'abc-123' } });
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(res.json.error.innerError).toMatchObject({ 'request-id': res.headers.get('request-id'), 'client-request-id': 'abc-123' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1.0/users/okand@region.se/events', status: 404 });
  });

  it('throttle: 429 with Retry-After, only where asked, for n requests', async () => {
    fake.throttle(2, 7, '/calendarView');
    const bearer = await token();
    expect((await graph('GET', events, { token: bearer })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await graph('GET', deltaStart('2026-01-01', '2026-02-01'), { token: bearer });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.json.error.code).toBe('TooManyRequests');
    }
    expect((await graph('GET', deltaStart('2026-01-01', '2026-02-01'), { token: bearer })).status).toBe(200);
  });

  it('fail refuses before doing anything; garbage does the work and spoils the answer', async () => {
    const bearer = await token();
    fake.fail(1, 503, 3);
    const down = await graph('POST', events, { token: bearer, body: councilMeeting() });
    expect([down.status, down.headers.get('retry-after'), down.json.error.code]).toEqual([503, '3', 'serviceNotAvailable']);
    expect(fake.events(MAILBOX)).toHaveLength(0);

    fake.garbage(1, 'not-json');
    const mangled = await graph('POST', events, { token: bearer, body: councilMeeting() });
    expect(mangled.status).toBe(200);
    expect(() => JSON.parse(mangled.text)).toThrow();
    expect(fake.events(MAILBOX)).toHaveLength(1);

    fake.garbage(1, 'wrong-shape', '/events');
    const odd = await graph('GET', eventPath(fake.events(MAILBOX)[0]!.id), { token: bearer });
    expect(odd.status).toBe(200);
    expect(odd.json.id).toBeUndefined();
  });

  it('bodies over 4 MB are 413', async () => {
    const res = await graph('POST', events, { body: councilMeeting({ body: { contentType: 'text', content: 'x'.repeat(4 * 1024 * 1024) } }) });
    expect(res.status).toBe(413);
  });
});

describe('time zones', () => {
  async function startOf(dateTime: string, timeZone: string): Promise<{ utc: string; stockholm: string }> {
    const body = councilMeeting({ start: { dateTime, timeZone }, end: { dateTime: '2026-12-31T00:00:00', timeZone } });
    const created = await graph('POST', events, { body });
    expect(created.status).toBe(201);
    const local = await graph('GET', eventPath(created.json.id), { headers: { Prefer: 'outlook.timezone="Europe/Stockholm"' } });
    return { utc: created.json.start.dateTime, stockholm: local.json.start.dateTime };
  }

  it('Windows and IANA names for Stockholm agree, in winter and in summer', async () => {
    expect(await startOf('2026-01-15T10:00:00', 'W. Europe Standard Time')).toEqual(await startOf('2026-01-15T10:00:00', 'Europe/Stockholm'));
    expect((await startOf('2026-07-15T10:00:00', 'W. Europe Standard Time')).utc).toBe('2026-07-15T08:00:00.0000000');
    expect((await startOf('2026-07-15T10:00:00', 'UTC')).utc).toBe('2026-07-15T10:00:00.0000000');
  });

  it('DST: a skipped local time moves forward by the gap; a repeated one means its first occurrence', async () => {
    // 2026-03-29 02:00 CET the clocks jump to 03:00 CEST: 02:30 does not exist
    expect(await startOf('2026-03-29T02:30:00', 'Europe/Stockholm')).toEqual({ utc: '2026-03-29T01:30:00.0000000', stockholm: '2026-03-29T03:30:00.0000000' });
    // 2026-10-25 03:00 CEST the clocks go back to 02:00 CET: 02:30 happens twice
    expect(await startOf('2026-10-25T02:30:00', 'Europe/Stockholm')).toEqual({ utc: '2026-10-25T00:30:00.0000000', stockholm: '2026-10-25T02:30:00.0000000' });
    // and just around the changes nothing odd happens
    expect((await startOf('2026-03-29T01:59:00', 'Europe/Stockholm')).utc).toBe('2026-03-29T00:59:00.0000000');
    expect((await startOf('2026-03-29T03:00:00', 'Europe/Stockholm')).utc).toBe('2026-03-29T01:00:00.0000000');
    expect((await startOf('2026-10-25T03:00:00', 'Europe/Stockholm')).utc).toBe('2026-10-25T02:00:00.0000000');
  });
});
