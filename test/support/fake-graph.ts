import {
  X509Certificate,
  constants as cryptoConstants,
  createHash,
  randomBytes,
  randomUUID,
  verify as verifySignature,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type GraphClientCertificate, graphClientCertificate, testCertificate } from './tls.js';
import { type PatternedRecurrence, checkRecurrence, dateOf, recurrenceDays } from './fake-graph-recurrence.js';

/*
 * A stand-in for Microsoft Graph (calendar and SharePoint files) and the Entra ID v2 token endpoint, over https
 * on 127.0.0.1. It answers the way Microsoft's documentation says the real services do, so code
 * tested against it meets the same shapes, errors and paging as in production, and tests can
 * inject what production does to it now and then: throttling, outages, expired tokens, expired
 * delta state, replies that do not parse.
 *
 * SharePoint: sites by path, their drives, folders, simple uploads and upload sessions with the
 * three conflict behaviours, versions, and ?format=pdf. It is stricter than the service where
 * the docs leave room: parents must exist before a file is put under them, an Authorization
 * header on an upload URL always gets 401, and every fragment but the last must be a multiple
 * of 320 KiB. Upload URLs and download URLs live on the fake's host outside /v1.0, need no token,
 * and meet the same throttle/fail faults.
 *
 * Calendar, as a real tenant has it, always on: an online meeting's Teams join block lives in the
 * event's body and a PATCHed body without it turns the meeting off; every change the organizer
 * makes is mailed to attendees (counted by mails()); a calendar whose
 * allowedOnlineMeetingProviders lacks Teams saves online events without a link; /users/{x}
 * knows ids and UPNs, not SMTP aliases; reading users takes User.Read.All and the onlineMeetings
 * API an application access policy, neither granted until a test grants it. A library may
 * require check-out. Each of these cites the Microsoft page it follows where it is modelled.
 *
 * Certificates: the server uses testCertificate(); clients in vitest workers trust it because
 * globalSetup puts it in NODE_EXTRA_CA_CERTS; a bot child process needs
 * NODE_EXTRA_CA_CERTS=testCertificate().caFile in its env.
 */

// ---------------------------------------------------------------------------------------------
// Public shape

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface EmailAddress {
  name: string;
  address: string;
}

export interface FakeAttendee {
  type: 'required' | 'optional' | 'resource';
  status: { response: string; time: string };
  emailAddress: EmailAddress;
}

export interface FakeLocation {
  displayName: string;
  locationType: string;
  uniqueId?: string;
  uniqueIdType: string;
  [property: string]: unknown;
}

/** An event as Graph returns it (the properties code is likely to read are typed). */
export interface FakeEvent {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  transactionId: string | null;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  iCalUId: string;
  subject: string;
  bodyPreview: string;
  isCancelled: boolean;
  isOrganizer: boolean;
  webLink: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  body: { contentType: 'html' | 'text'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  location: FakeLocation;
  locations: FakeLocation[];
  attendees: FakeAttendee[];
  organizer: { emailAddress: EmailAddress };
  onlineMeeting: { joinUrl: string; conferenceId?: string } | null;
  [property: string]: unknown;
}

/**
 * A message Exchange sends on the organizer's behalf when an event with attendees is created,
 * updated or cancelled: what tests count to see how much mail a change costs the council.
 */
export interface FakeMail {
  eventId: string;
  kind: 'invitation' | 'update' | 'cancellation';
  /** Attendees' addresses, as they were written in the event. */
  to: string[];
  /** The event's subject and body as the mail carries them (HTML). */
  subject: string;
  body: string;
  at: number;
}

/** A Teams meeting made through /users/{id}/onlineMeetings (not in any calendar). */
export interface FakeOnlineMeeting {
  id: string;
  externalId: string | null;
  joinWebUrl: string;
  subject: string;
}

export interface FakeGraphRequest {
  method: string;
  /** Decoded path, e.g. /v1.0/users/rad@region.se/events; upload sessions and downloads are logged with their own paths. */
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
  /** Whether the request carried an Authorization header (upload URLs must not get one). */
  authorization?: boolean;
  /** The Content-Range header of an upload fragment. */
  contentRange?: string;
}

export interface FakeIdentityRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  /** For token requests: how the client proved who it is. */
  credential?: 'client_secret' | 'client_assertion' | 'none';
}

export interface OutlookEventInput {
  subject: string;
  /** UTC, ISO 8601 */
  start: string;
  end: string;
  location?: string;
  categories?: string[];
  isOnlineMeeting?: boolean;
  /** HTML */
  body?: string;
}

/** isOnlineMeeting: someone adds a Teams meeting to the event in Outlook (from their own Teams licence). */
export type OutlookEventChanges = Partial<Pick<OutlookEventInput, 'subject' | 'start' | 'end' | 'location' | 'categories' | 'isOnlineMeeting'>>;

/** A recurring series as Outlook makes one: `start`/`end` are the first meeting's, `recurrence` Graph's patternedRecurrence. */
export interface OutlookSeriesInput extends OutlookEventInput {
  recurrence: { pattern: Record<string, unknown>; range: Record<string, unknown> };
}

/** A document library (a drive) of a fake SharePoint site. */
export interface FakeLibraryInput {
  /** The drive's name, as the library's title. */
  name: string;
  /** The library's URL name under the site (e.g. "Shared Documents"); the name when not given. */
  webUrlPath?: string;
  /** Major versions kept on every change (the SharePoint Online default); false overwrites. */
  versioning?: boolean;
  /** The library's "Require documents to be checked out before they can be edited?" setting. */
  requireCheckout?: boolean;
}

/** A file in a fake library, as a test inspects it. */
export interface FakeFile {
  id: string;
  /** The library's name. */
  library: string;
  /** From the library's root, e.g. Vårdvalsråd/2026/Protokoll.docx */
  path: string;
  name: string;
  size: number;
  /** Versions others can see (checked in), the current one included. */
  versions: number;
  /** The newest content, as the app sees it (a checked-out draft included). */
  content: Buffer;
  webUrl: string;
  /** Checked out (to the app): its newest content is a draft nobody else sees until it is checked in. */
  checkedOut: boolean;
  /** Whether anyone but the app sees the file at all: not before its first check-in. */
  visibleToOthers: boolean;
}

export interface FakeSiteInfo {
  id: string;
  webUrl: string;
  drives: { id: string; name: string; webUrl: string }[];
}

export interface FaultTiming {
  /** Let this many matching requests through before the fault starts. */
  after?: number;
}

export interface FakeGraphOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Mailboxes that exist from the start. */
  mailboxes?: string[];
}

export interface FakeGraph {
  /** https://127.0.0.1:PORT; Graph is under `${url}/v1.0`. */
  readonly url: string;
  readonly graphBaseUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** For MSAL's auth.authority. */
  readonly authority: string;
  /** host:port, for MSAL's auth.knownAuthorities: it skips instance discovery at login.microsoftonline.com. */
  readonly knownAuthority: string;
  /** For MSAL's auth.authorityMetadata: saves the openid-configuration request. */
  readonly authorityMetadata: string;
  /** For MSAL's auth.cloudDiscoveryMetadata: the instance discovery answer, without asking. */
  readonly cloudDiscoveryMetadata: string;
  readonly tokenEndpoint: string;
  /** The certificate registered on the app; assertions must be signed with its key. */
  readonly appCertificate: GraphClientCertificate;
  tokenLifetimeSeconds: number;
  /** Tokens issued successfully. */
  readonly tokenRequests: number;
  /** Graph requests, in order. */
  readonly requests: FakeGraphRequest[];
  /** Requests to the identity endpoints, in order. */
  readonly identityRequests: FakeIdentityRequest[];
  /** Delta page size when the request has no Prefer: odata.maxpagesize. */
  pageSize: number;
  /**
   * The most events per delta page whatever the client prefers: Graph treats maxpagesize as a
   * ceiling and may send smaller pages, so a client must page through whatever it gets.
   */
  maxPageSize: number | undefined;
  addMailbox(address: string, displayName?: string): void;
  denyMailbox(address: string, status?: 403 | 404): void;
  /** Another SMTP address of the mailbox (a proxyAddresses "smtp:" entry); Graph's /users/{id | upn} does not know it. */
  addAlias(mailbox: string, alias: string): void;
  /**
   * The calendar's allowedOnlineMeetingProviders (default ["teamsForBusiness"]); [] for a shared
   * or unlicensed mailbox, whose events asked to be online get no Teams meeting.
   */
  setOnlineMeetingProviders(mailbox: string, providers: string[]): void;
  /** The app holds User.Read.All (application): it may read users and filter them by address. */
  grantUserRead(granted?: boolean): void;
  /** OnlineMeetings.ReadWrite.All with an application access policy granted for this mailbox's user. */
  allowOnlineMeetings(mailbox: string, allowed?: boolean): void;
  /** Mail Exchange sent for the mailbox's events, oldest first. */
  mails(mailbox: string): FakeMail[];
  /** Teams meetings created on behalf of the mailbox's user through the onlineMeetings API. */
  onlineMeetings(mailbox: string): FakeOnlineMeeting[];
  /** Current events, UTC, as Graph would return them. */
  events(mailbox: string): FakeEvent[];
  outlookCreate(mailbox: string, event: OutlookEventInput): FakeEvent;
  outlookUpdate(mailbox: string, id: string, changes: OutlookEventChanges): FakeEvent;
  /** The event is answered without these properties from now on (and reported changed in delta). */
  outlookOmit(mailbox: string, id: string, properties: string[]): void;
  outlookDelete(mailbox: string, id: string): void;
  /** What an attendee's copy shows once the organizer cancels. */
  outlookMarkCancelled(mailbox: string, id: string): void;
  /**
   * A recurring series (the series master). Its occurrences exist only as Graph expands them;
   * outlookUpdate, outlookDelete and outlookMarkCancelled also take an occurrence's id, and change
   * just that occurrence (it becomes an exception, or is deleted from the series).
   */
  outlookCreateSeries(mailbox: string, series: OutlookSeriesInput): FakeEvent;
  /** The occurrences and exceptions of a series as calendarView returns them, within [start, end) (UTC ISO). */
  occurrences(mailbox: string, seriesMasterId: string, start: string, end: string): FakeEvent[];
  /**
   * The next n Graph requests (whose path contains pathIncludes) get 429 with Retry-After.
   * Upload session URLs count too (their path contains "uploadSession").
   */
  throttle(n: number, retryAfterSeconds: number, pathIncludes?: string, timing?: FaultTiming): void;
  /** The next n Graph requests fail with this status before anything is done. */
  fail(n: number, status: 500 | 502 | 503 | 504, retryAfterSeconds?: number, pathIncludes?: string, timing?: FaultTiming): void;
  /** The next n Graph requests are carried out, but their answer is 200 with an unusable body. */
  garbage(n: number, kind: 'not-json' | 'wrong-shape', pathIncludes?: string): void;
  /** The next n requests are carried out, then the connection is closed without an answer: a reply lost on the way. */
  dropAnswer(n: number, pathIncludes?: string, timing?: FaultTiming): void;
  /** Every token issued so far is now refused as expired. */
  expireTokens(): void;
  /**
   * The app's secret as Entra ID knows it from now on (an administrator added a new one): any
   * other secret gets 401 invalid_client, AADSTS7000215, as a wrong secret does.
   */
  setClientSecret(secret: string): void;
  /** The app's secret has expired: it gets 401 invalid_client, AADSTS7000222, until a new one is set. */
  expireClientSecret(): void;
  /** Every delta and skip token handed out so far now gets 410 Gone. */
  expireDeltaTokens(): void;
  /**
   * A SharePoint site, e.g. https://region.sharepoint.com/sites/Vardvalsrad, with its document
   * libraries (by default one, "Delade dokument", at .../Delade%20dokument).
   */
  addSite(url: string, libraries?: FakeLibraryInput[]): FakeSiteInfo;
  /**
   * A file someone shared in a channel or chat, at its SharePoint or OneDrive address: Graph's
   * shares API (/shares/u!{base64url}/driveItem) finds it by that address.
   */
  shareFile(url: string, content: Buffer): void;
  /** The app may not use the site (403, as without a Sites.Selected grant) or cannot see it (404). */
  denySite(url: string, status?: 403 | 404): void;
  /** The app may use the site again (an admin granted access). */
  allowSite(url: string): void;
  /** Forgets every throttle and failure still pending. */
  clearFaults(): void;
  /** Apps in the organisation's Teams app catalog, by catalog id: only these can be installed for someone. */
  readonly catalogApps: Set<string>;
  /** Whether the admin granted TeamsAppInstallation.ReadWriteSelfForUser.All: without it, installs get 403. */
  installGrant: boolean;
  /** Entra object id -> catalog ids installed in that person's personal scope. */
  readonly personalApps: Map<string, Set<string>>;
  /** Told of each personal install (the person's Entra object id), as Teams then lets the bot into their 1:1 chat. */
  onPersonalInstall?: (userId: string, appId: string) => void;
  /** Uploads to the site's libraries (or to the one library whose URL is given) get 507. */
  libraryFull(url: string, full?: boolean): void;
  /** The files in all libraries of the site, by path. */
  files(siteUrl: string): FakeFile[];
  /** The settings that point a bot process at this fake, trusting its certificate. */
  botEnv(): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const fake = new FakeGraphServer(options);
  await fake.listen();
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Plumbing

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const NEVER = '0001-01-01T00:00:00Z';
/** Upload session fragments: Graph takes up to 60 MiB per request. */
const MAX_FRAGMENT_BYTES = 60 * 1024 * 1024;
/** Fragments other than the last must be multiples of this (the docs' "MUST"). */
const FRAGMENT_UNIT = 320 * 1024;
/** How long an upload session lives without a fragment, and a pre-authenticated download URL at all. */
const UPLOAD_SESSION_MS = 15 * 60_000;
const DOWNLOAD_URL_MS = 5 * 60_000;
/** Source extensions the v1.0 docs list for ?format=pdf. */
const PDF_SOURCES = new Set([
  'doc', 'docx', 'dot', 'dotx', 'dotm', 'dsn', 'dwg', 'eml', 'epub', 'fluidframework', 'form', 'htm', 'html', 'loop', 'loot',
  'markdown', 'md', 'msg', 'note', 'odp', 'ods', 'odt', 'page', 'pps', 'ppsx', 'ppt', 'pptx', 'pulse', 'rtf', 'task', 'tif',
  'tiff', 'wbtx', 'whiteboard', 'xls', 'xlsm', 'xlsx',
]);
/** Opened in Office for the web: their webUrl is a Doc.aspx link, not the file's path. */
const OFFICE_EXTENSIONS = new Set(['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx']);

interface SpSite {
  id: string;
  hostname: string;
  /** Decoded server-relative path without the leading slash ('' for the root site). */
  path: string;
  webUrl: string;
  name: string;
  displayName: string;
  createdDateTime: string;
  drives: SpDrive[];
}

interface SpDrive {
  id: string;
  name: string;
  webUrl: string;
  site: SpSite;
  versioning: boolean;
  requireCheckout: boolean;
  full: boolean;
  createdDateTime: string;
  root: SpItem;
  items: Map<string, SpItem>;
}

interface SpVersion {
  label: string;
  content: Buffer;
  at: string;
}

interface SpItem {
  id: string;
  /** The list item's GUID, as in eTags and Doc.aspx links. */
  uniqueId: string;
  name: string;
  parent: SpItem | null;
  drive: SpDrive;
  folder: boolean;
  /** By NFC, lower-cased name: SharePoint names are case-insensitive. */
  children: Map<string, SpItem>;
  /** Oldest first; the last is the current content. Empty for folders. */
  versions: SpVersion[];
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeCount: number;
  /** Checked out to the app. */
  checkedOut?: boolean;
  /** The last of `versions` is the checked-out draft, not yet checked in. */
  draft?: boolean;
}

type ConflictBehavior = 'fail' | 'replace' | 'rename';

interface SpUploadSession {
  token: string;
  drive: SpDrive;
  parent: SpItem;
  name: string;
  behavior: ConflictBehavior;
  expiresMs: number;
  /** From the item's fileSize, or the first fragment's Content-Range. */
  total?: number;
  received: Buffer[];
  next: number;
}

interface SpDownload {
  content: Buffer;
  contentType: string;
  fileName: string;
  expiresMs: number;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Bytes sent as they are (file downloads). */
  binary?: Buffer;
  /** A body sent as is, for replies that are deliberately not JSON. */
  raw?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers; turned into Graph's error body, with the request's ids, when sent. */
class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface GraphRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  prefer: Map<string, string>;
  raw: Buffer;
  /** The request body as JSON; 400 the way Graph does when it is not. */
  json(): unknown;
  mailbox?: Mailbox;
}

interface Route {
  method: string;
  /** Path segments after /v1.0, or a RegExp over that path (named groups become params). */
  pattern: string[] | RegExp;
  handle: (request: GraphRequest) => Reply;
}

interface Fault {
  remaining: number;
  pathIncludes?: string;
  /** Matching requests still to let through before the fault starts. */
  skip?: number;
}

/** The request is refused before anything happens. */
interface Refusal extends Fault {
  error: () => GraphError;
}

/** The request is carried out, then its successful answer is replaced. */
interface Spoiler extends Fault {
  spoil: (reply: Reply) => Reply;
}

interface Mailbox {
  /** The user's object id. */
  id: string;
  /** The user principal name, which is also the primary SMTP address here. */
  address: string;
  displayName: string;
  /** Further SMTP addresses (proxyAddresses "smtp:"), lower-cased. */
  aliases: string[];
  allowedProviders: string[];
  /** Whether an application access policy lets the app make Teams meetings for this user. */
  onlineMeetingPolicy: boolean;
  events: Map<string, StoredEvent>;
  /** transactionId -> event id */
  transactions: Map<string, string>;
  mails: FakeMail[];
  /** externalId (or id) -> meeting */
  onlineMeetings: Map<string, FakeOnlineMeeting>;
}

interface StoredEvent {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  iCalUId: string;
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  startMs: number;
  endMs: number;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  location: FakeLocation;
  locations: FakeLocation[];
  attendees: FakeAttendee[];
  categories: string[];
  isOnlineMeeting: boolean;
  onlineMeeting: { joinUrl: string; conferenceId: string } | null;
  isCancelled: boolean;
  isOrganizer: boolean;
  transactionId: string | null;
  /** What the create request said, to tell a retry from a different event reusing a transactionId. */
  createdFrom: string | null;
  /** Simple properties stored and echoed as they are (importance, showAs, …). */
  extra: Record<string, unknown>;
  /** Properties left out of every answer: an event as a broken or third-party client may leave it. */
  omitted?: string[];
  deleted: boolean;
  /** When it last changed, on the fake's change counter: what delta compares against. */
  changeSeq: number;
  /** Stored events are single instances, series masters, or exceptions of a series (a changed occurrence). */
  type: 'singleInstance' | 'seriesMaster' | 'exception';
  recurrence: PatternedRecurrence | null;
  seriesMasterId: string | null;
  /** An exception's place in its series: the start its occurrence had by the pattern. */
  originalStartMs: number | null;
  /** A master's occurrences deleted from the series, by the day number of their original start. */
  deletedDays?: Set<number>;
}

/** An occurrence that is just as the pattern makes it: never stored, only expanded. */
interface Occurrence {
  id: string;
  masterId: string;
  startMs: number;
  endMs: number;
}

type Instance = { occurrence: Occurrence } | { exception: StoredEvent };

interface DeltaWindow {
  startMs: number;
  endMs: number;
  startRaw: string;
  endRaw: string;
}

/** `series` keeps a series' items together: Graph does not split a series over delta pages. */
type DeltaEntry = ({ removed: string } | { event: StoredEvent } | { occurrence: Occurrence }) & { series?: string };

/** One round of delta pages: a snapshot taken when the round starts, served page by page. */
interface DeltaRound {
  id: string;
  generation: number;
  mailboxId: string;
  path: string;
  window: DeltaWindow;
  entries: DeltaEntry[];
  deltaToken: string;
}

/** What a deltaLink stands for: the changes in this window after this point. */
interface DeltaState {
  generation: number;
  mailboxId: string;
  path: string;
  window: DeltaWindow;
  seq: number;
}

interface View {
  /** Zone name to show start/end in (as the client spelled it), and its IANA id. */
  timeZone?: { name: string; iana: string };
  bodyAsText: boolean;
}

class FakeGraphServer implements FakeGraph {
  url = '';
  readonly tenantId: string;
  readonly clientId: string;
  clientSecret: string;
  private secretExpired = false;
  readonly appCertificate = graphClientCertificate();
  tokenLifetimeSeconds = 3600;
  tokenRequests = 0;
  pageSize = 10;
  maxPageSize: number | undefined = undefined;
  readonly requests: FakeGraphRequest[] = [];
  readonly identityRequests: FakeIdentityRequest[] = [];

  private server?: Server;
  /** access token -> expiry (ms) */
  private readonly tokens = new Map<string, number>();
  /** lower-case address -> mailbox; ids are resolved by search */
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly denied = new Map<string, 403 | 404>();
  private userRead = false;
  private readonly refusals: Refusal[] = [];
  private readonly spoilers: Spoiler[] = [];
  private readonly droppers: Fault[] = [];
  private changeSeq = 0;
  private deltaGeneration = 0;
  private readonly rounds = new Map<string, DeltaRound>();
  private readonly deltaStates = new Map<string, DeltaState>();
  /** occurrence id -> its series and the day of its original start */
  private readonly occurrenceIds = new Map<string, { masterId: string; day: number }>();
  private readonly routes: Route[] = [];
  private readonly sites: SpSite[] = [];
  /** comparable site URL -> how the app is kept out */
  private readonly deniedSites = new Map<string, 403 | 404>();
  /** Apps in the organisation's catalog, by catalog id: only these can be installed for someone. */
  readonly catalogApps = new Set<string>();
  /** Whether the admin granted TeamsAppInstallation.ReadWriteSelfForUser.All: without it, installs get 403. */
  installGrant = true;
  /** Entra object id -> catalog ids installed in that person's personal scope. */
  readonly personalApps = new Map<string, Set<string>>();
  /** Told of each personal install, as Teams then lets the bot into the person's 1:1 chat. */
  onPersonalInstall?: (userId: string, appId: string) => void;
  private readonly uploadSessions = new Map<string, SpUploadSession>();
  /** tempauth token -> what a pre-authenticated download URL serves */
  private readonly downloads = new Map<string, SpDownload>();

  constructor(options: FakeGraphOptions) {
    this.tenantId = options.tenantId ?? randomUUID();
    this.clientId = options.clientId ?? randomUUID();
    this.clientSecret = options.clientSecret ?? `Fk8Q~${randomBytes(27).toString('base64url')}`;
    for (const address of options.mailboxes ?? []) this.addMailbox(address);
    this.calendarRoutes();
    this.sharePointRoutes();
    this.teamsAppRoutes();
  }

  async listen(): Promise<void> {
    const { keyFile, certFile } = testCertificate();
    this.server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end(String(error));
        }
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', resolve);
    });
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  botEnv(): Record<string, string> {
    return {
      GRAPH_TENANT_ID: this.tenantId,
      GRAPH_CLIENT_ID: this.clientId,
      GRAPH_CLIENT_SECRET: this.clientSecret,
      GRAPH_AUTHORITY_HOST: this.url,
      GRAPH_BASE_URL: this.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: testCertificate().caFile,
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get graphBaseUrl(): string {
    return `${this.url}/v1.0`;
  }

  get authority(): string {
    return `${this.url}/${this.tenantId}`;
  }

  get knownAuthority(): string {
    return new URL(this.url).host;
  }

  get tokenEndpoint(): string {
    return `${this.authority}/oauth2/v2.0/token`;
  }

  get authorityMetadata(): string {
    return JSON.stringify(this.openIdConfiguration());
  }

  get cloudDiscoveryMetadata(): string {
    const host = this.knownAuthority;
    return JSON.stringify({
      tenant_discovery_endpoint: `${this.authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  // --- mailboxes and Outlook-side changes ---

  addMailbox(address: string, displayName?: string): void {
    const key = address.toLowerCase();
    if (this.mailboxes.has(key)) return;
    this.mailboxes.set(key, {
      id: randomUUID(),
      address,
      displayName: displayName ?? address.split('@')[0] ?? address,
      aliases: [],
      allowedProviders: ['teamsForBusiness'],
      onlineMeetingPolicy: false,
      events: new Map(),
      transactions: new Map(),
      mails: [],
      onlineMeetings: new Map(),
    });
  }

  addAlias(mailbox: string, alias: string): void {
    this.mailboxFor(mailbox).aliases.push(alias.toLowerCase());
  }

  setOnlineMeetingProviders(mailbox: string, providers: string[]): void {
    this.mailboxFor(mailbox).allowedProviders = [...providers];
  }

  grantUserRead(granted = true): void {
    this.userRead = granted;
  }

  allowOnlineMeetings(mailbox: string, allowed = true): void {
    this.mailboxFor(mailbox).onlineMeetingPolicy = allowed;
  }

  mails(mailbox: string): FakeMail[] {
    return this.mailboxFor(mailbox).mails.map((m) => ({ ...m, to: [...m.to] }));
  }

  onlineMeetings(mailbox: string): FakeOnlineMeeting[] {
    return [...this.mailboxFor(mailbox).onlineMeetings.values()].map((m) => ({ ...m }));
  }

  denyMailbox(address: string, status: 403 | 404 = 403): void {
    this.denied.set(address.toLowerCase(), status);
  }

  events(mailbox: string): FakeEvent[] {
    const box = this.mailboxFor(mailbox);
    return [...box.events.values()]
      .filter((e) => !e.deleted)
      .sort((a, b) => a.startMs - b.startMs)
      .map((e) => this.render(box, e, { bodyAsText: false }));
  }

  outlookCreate(mailbox: string, input: OutlookEventInput): FakeEvent {
    const box = this.mailboxFor(mailbox);
    const event = this.newEvent(box, {
      subject: input.subject,
      body: { contentType: 'html', content: input.body ?? '' },
      startMs: utcInstant(input.start),
      endMs: utcInstant(input.end),
      // what Outlook records for someone in Sweden
      timeZone: 'W. Europe Standard Time',
    });
    if (input.location !== undefined) setLocation(event, { displayName: input.location });
    if (input.categories) event.categories = [...input.categories];
    if (input.isOnlineMeeting) this.makeOnline(box, event);
    return this.render(box, event, { bodyAsText: false });
  }

  outlookUpdate(mailbox: string, id: string, changes: OutlookEventChanges): FakeEvent {
    const box = this.mailboxFor(mailbox);
    const event = this.liveEvent(box, id);
    if (changes.subject !== undefined) event.subject = changes.subject;
    if (changes.start !== undefined) event.startMs = utcInstant(changes.start);
    if (changes.end !== undefined) event.endMs = utcInstant(changes.end);
    if (changes.location !== undefined) setLocation(event, { displayName: changes.location });
    if (changes.categories !== undefined) event.categories = [...changes.categories];
    if (changes.isOnlineMeeting) this.makeOnline(box, event);
    this.touch(event);
    return this.render(box, event, { bodyAsText: false });
  }

  outlookOmit(mailbox: string, id: string, properties: string[]): void {
    const box = this.mailboxFor(mailbox);
    const event = this.liveEvent(box, id);
    event.omitted = [...properties];
    this.touch(event);
  }

  outlookDelete(mailbox: string, id: string): void {
    const box = this.mailboxFor(mailbox);
    this.remove(this.liveEvent(box, id));
  }

  outlookMarkCancelled(mailbox: string, id: string): void {
    const box = this.mailboxFor(mailbox);
    const event = this.liveEvent(box, id);
    event.isCancelled = true;
    // Exchange rewrites an attendee's copy from the cancellation it received
    if (!event.subject.startsWith('Canceled: ')) event.subject = `Canceled: ${event.subject}`;
    this.touch(event);
  }

  outlookCreateSeries(mailbox: string, input: OutlookSeriesInput): FakeEvent {
    const box = this.mailboxFor(mailbox);
    const recurrence = checkRecurrence(input.recurrence);
    const master = this.newEvent(box, {
      subject: input.subject,
      body: { contentType: 'html', content: input.body ?? '' },
      startMs: utcInstant(input.start),
      endMs: utcInstant(input.end),
      timeZone: 'W. Europe Standard Time',
    });
    master.type = 'seriesMaster';
    master.recurrence = recurrence;
    master.deletedDays = new Set();
    // A series master shows its first occurrence's start and end, which need not be on range.startDate
    // ("the first occurrence of the meeting might not occur on this date if it does not fit the
    // pattern", https://learn.microsoft.com/graph/outlook-schedule-recurring-events).
    const first = this.instances(box, master)[0];
    if (!first || !('occurrence' in first)) throw new Error('fake Graph: the series has no occurrence');
    master.startMs = first.occurrence.startMs;
    master.endMs = first.occurrence.endMs;
    if (input.location !== undefined) setLocation(master, { displayName: input.location });
    if (input.categories) master.categories = [...input.categories];
    if (input.isOnlineMeeting) this.makeOnline(box, master);
    return this.render(box, master, { bodyAsText: false });
  }

  occurrences(mailbox: string, seriesMasterId: string, start: string, end: string): FakeEvent[] {
    const box = this.mailboxFor(mailbox);
    const master = this.liveEvent(box, seriesMasterId);
    const window = { startMs: utcInstant(start), endMs: utcInstant(end) };
    return this.instances(box, master, window).map((i) => this.render(box, this.instanceEvent(box, i), { bodyAsText: false }));
  }

  // --- faults ---

  throttle(n: number, retryAfterSeconds: number, pathIncludes?: string, timing?: FaultTiming): void {
    this.refusals.push({
      remaining: n,
      pathIncludes,
      skip: timing?.after,
      error: () =>
        new GraphError(429, 'TooManyRequests', 'Too many requests. Retry after the number of seconds in the Retry-After header.', {
          'Retry-After': String(retryAfterSeconds),
        }),
    });
  }

  fail(n: number, status: 500 | 502 | 503 | 504, retryAfterSeconds?: number, pathIncludes?: string, timing?: FaultTiming): void {
    const [code, message] = {
      500: ['generalException', 'An unspecified error has occurred.'],
      502: ['BadGateway', 'The server received an invalid response from an upstream server.'],
      503: ['serviceNotAvailable', 'The service is not available. Try the request again after a delay.'],
      504: ['GatewayTimeout', 'The upstream service did not respond in time.'],
    }[status];
    const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
    this.refusals.push({ remaining: n, pathIncludes, skip: timing?.after, error: () => new GraphError(status, code!, message!, headers) });
  }

  garbage(n: number, kind: 'not-json' | 'wrong-shape', pathIncludes?: string): void {
    this.spoilers.push({
      remaining: n,
      pathIncludes,
      spoil: (reply) => {
        if (kind === 'wrong-shape') {
          return { status: 200, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#Edm.String`, value: 'not what you asked for' } };
        }
        // a strict prefix of a JSON object never parses
        const text = JSON.stringify(reply.body ?? { value: [] });
        return { status: 200, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
      },
    });
  }

  dropAnswer(n: number, pathIncludes?: string, timing?: FaultTiming): void {
    this.droppers.push({ remaining: n, pathIncludes, skip: timing?.after });
  }

  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  setClientSecret(secret: string): void {
    this.clientSecret = secret;
    this.secretExpired = false;
  }

  expireClientSecret(): void {
    this.secretExpired = true;
  }

  expireDeltaTokens(): void {
    this.deltaGeneration += 1;
  }

  // --- SharePoint sites and libraries ---

  private readonly sharedFiles = new Map<string, Buffer>();

  shareFile(url: string, content: Buffer): void {
    this.sharedFiles.set(url, content);
  }

  /** The file a share id ("u!" and the URL in unpadded base64url) names. */
  private sharedFile(id: string): { name: string; content: Buffer } {
    if (!id.startsWith('u!')) throw new GraphError(400, 'invalidRequest', 'The sharing token is malformed.');
    const url = Buffer.from(id.slice(2), 'base64url').toString('utf8');
    const content = this.sharedFiles.get(url);
    if (!content) throw itemNotFound();
    return { name: decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? ''), content };
  }

  addSite(url: string, libraries: FakeLibraryInput[] = [{ name: 'Delade dokument' }]): FakeSiteInfo {
    const parsed = new URL(url);
    const segments = decodedSegments(parsed.pathname);
    const key = comparableUrl(url);
    let site = this.sites.find((s) => comparableUrl(s.webUrl) === key);
    if (!site) {
      const now = graphInstant(Date.now());
      site = {
        id: `${parsed.hostname.toLowerCase()},${randomUUID()},${randomUUID()}`,
        hostname: parsed.hostname.toLowerCase(),
        path: segments.join('/'),
        webUrl: `https://${parsed.hostname.toLowerCase()}${segments.length ? `/${encodeSegments(segments)}` : ''}`,
        name: segments.at(-1) ?? '',
        displayName: segments.at(-1) ?? parsed.hostname,
        createdDateTime: now,
        drives: [],
      };
      this.sites.push(site);
      for (const library of libraries) this.addDrive(site, library);
    }
    return { id: site.id, webUrl: site.webUrl, drives: site.drives.map((d) => ({ id: d.id, name: d.name, webUrl: d.webUrl })) };
  }

  denySite(url: string, status: 403 | 404 = 403): void {
    this.deniedSites.set(comparableUrl(url), status);
  }

  allowSite(url: string): void {
    this.deniedSites.delete(comparableUrl(url));
  }

  clearFaults(): void {
    this.refusals.length = 0;
  }

  libraryFull(url: string, full = true): void {
    const key = comparableUrl(url);
    const drives = this.sites.flatMap((s) => s.drives);
    const drive = drives.find((d) => key === comparableUrl(d.webUrl) || key.startsWith(`${comparableUrl(d.webUrl)}/`));
    const site = this.sites.find((s) => comparableUrl(s.webUrl) === key);
    const targets = drive ? [drive] : (site?.drives ?? []);
    if (targets.length === 0) throw new Error(`fake Graph has no site or library at ${url}; call addSite first`);
    for (const d of targets) d.full = full;
  }

  files(siteUrl: string): FakeFile[] {
    const site = this.sites.find((s) => comparableUrl(s.webUrl) === comparableUrl(siteUrl));
    if (!site) throw new Error(`fake Graph has no site ${siteUrl}; call addSite first`);
    return site.drives.flatMap((drive) =>
      [...drive.items.values()]
        .filter((item) => !item.folder)
        .map((item) => {
          const current = item.versions.at(-1)!;
          const published = item.versions.length - (item.draft ? 1 : 0);
          return {
            id: item.id,
            library: drive.name,
            path: itemPath(item).join('/'),
            name: item.name,
            size: current.content.length,
            versions: published,
            content: Buffer.from(current.content),
            webUrl: this.itemWebUrl(item),
            checkedOut: item.checkedOut === true,
            visibleToOthers: published > 0,
          };
        })
        .sort((a, b) => a.path.localeCompare(b.path)),
    );
  }

  private addDrive(site: SpSite, library: FakeLibraryInput): void {
    const relative = library.webUrlPath ?? library.name;
    const segments = decodedSegments(relative);
    const webUrl = relative.startsWith('/') ? `https://${site.hostname}/${encodeSegments(segments)}` : `${site.webUrl}/${encodeSegments(segments)}`;
    const now = graphInstant(Date.now());
    const drive: SpDrive = {
      // Drive ids are "b!" and 64 base64url characters; clients must escape nothing, but must not parse them either.
      id: `b!${randomBytes(48).toString('base64url')}`,
      name: library.name,
      webUrl,
      site,
      versioning: library.versioning ?? true,
      requireCheckout: library.requireCheckout ?? false,
      full: false,
      createdDateTime: now,
      root: undefined as unknown as SpItem,
      items: new Map(),
    };
    drive.root = { id: itemId(), uniqueId: randomUUID(), name: 'root', parent: null, drive, folder: true, children: new Map(), versions: [], createdDateTime: now, lastModifiedDateTime: now, changeCount: 1 };
    site.drives.push(drive);
  }

  // --- HTTP ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const { body: raw, tooLarge } = await readBody(req, isUploadUrl(url) ? MAX_FRAGMENT_BYTES : MAX_BODY_BYTES);
    const requestId = randomUUID();
    const clientRequestId = headerValue(req.headers, 'client-request-id') ?? randomUUID();
    res.setHeader('request-id', requestId);
    res.setHeader('client-request-id', clientRequestId);

    const sharePoint = isUploadUrl(url) || isDownloadUrl(url);
    if (url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/') || sharePoint) {
      const path = safeDecode(url.pathname);
      let reply: Reply;
      try {
        reply = sharePoint ? this.sharePointUrl(req, url, path, raw, tooLarge) : this.graph(req, url, path, raw, tooLarge);
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        reply = { status: error.status, headers: error.headers, body: { error: { code: error.code, message: error.message } } };
      }
      if (reply.status >= 400 && isErrorBody(reply.body)) {
        reply.body.error.innerError = {
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        };
      }
      const contentRange = headerValue(req.headers, 'content-range');
      this.requests.push({
        method: req.method ?? 'GET',
        path,
        query: Object.fromEntries(url.searchParams),
        status: reply.status,
        at: Date.now(),
        authorization: headerValue(req.headers, 'authorization') !== undefined,
        ...(contentRange === undefined ? {} : { contentRange }),
      });
      if (takeFault(this.droppers, path)) {
        res.destroy();
        return;
      }
      send(res, reply);
      return;
    }

    res.setHeader('x-ms-request-id', requestId);
    const record: FakeIdentityRequest = { method: req.method ?? 'GET', path: url.pathname, status: 0, at: Date.now() };
    const reply = this.identity(req, url, raw.toString('utf8'), record);
    record.status = reply.status;
    this.identityRequests.push(record);
    send(res, reply);
  }

  // --- Entra ID ---

  private openIdConfiguration(): Record<string, unknown> {
    const base = this.authority;
    return {
      token_endpoint: this.tokenEndpoint,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.url}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: this.knownAuthority,
      rbac_url: 'https://pas.windows.net',
    };
  }

  private identity(req: IncomingMessage, url: URL, body: string, record: FakeIdentityRequest): Reply {
    const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
    const route = rest.join('/');
    const method = req.method ?? 'GET';
    if (tenant !== this.tenantId) {
      return this.entraError(400, 'invalid_request', 90002, `Tenant '${tenant ?? ''}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    if (method === 'GET' && route === 'v2.0/.well-known/openid-configuration') return { status: 200, body: this.openIdConfiguration() };
    if (method === 'GET' && route === 'discovery/v2.0/keys') return { status: 200, body: { keys: [] } };
    if (method === 'POST' && route === 'oauth2/v2.0/token') return this.token(req, body, record);
    return { status: 404, body: { error: 'not_found', error_description: `No such endpoint: ${method} ${url.pathname}` } };
  }

  /** Client credentials grant, with a client secret or a certificate-signed client assertion. */
  private token(req: IncomingMessage, body: string, record: FakeIdentityRequest): Reply {
    const form = new URLSearchParams(body);
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = headerValue(req.headers, 'authorization')?.match(/^Basic\s+(\S.*)$/i)?.[1];
    if (basic) {
      const [id, pass] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
      clientId ??= id ?? null;
      secret ??= pass ?? null;
    }
    const grantType = form.get('grant_type');
    if (!grantType) return this.entraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grantType !== 'client_credentials') {
      return this.entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
    }
    if (clientId !== this.clientId) {
      return this.entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory '${this.tenantId}'.`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').every((s) => s.endsWith('/.default'))) {
      return this.entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    if (scope !== GRAPH_SCOPE) {
      return this.entraError(400, 'invalid_resource', 500011, `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${this.tenantId}.`);
    }

    const assertion = form.get('client_assertion');
    if (secret) {
      record.credential = 'client_secret';
      if (secret !== this.clientSecret) {
        return this.entraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.clientId}'.`);
      }
      if (this.secretExpired) {
        return this.entraError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${this.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
      }
    } else if (assertion) {
      record.credential = 'client_assertion';
      if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return this.entraError(400, 'invalid_request', 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
      }
      const problem = this.checkClientAssertion(assertion);
      if (problem) return this.entraError(401, 'invalid_client', problem[0], problem[1]);
    } else {
      record.credential = 'none';
      return this.entraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    const accessToken = randomBytes(48).toString('base64url');
    this.tokens.set(accessToken, Date.now() + this.tokenLifetimeSeconds * 1000);
    this.tokenRequests += 1;
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
      body: {
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeSeconds,
        ext_expires_in: this.tokenLifetimeSeconds,
        access_token: accessToken,
      },
    };
  }

  /** RFC 7523 client assertion, checked the way Entra documents certificate credentials. */
  private checkClientAssertion(assertion: string): [number, string] | undefined {
    const parts = assertion.split('.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      if (parts.length !== 3) throw new Error('not three parts');
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return [50027, 'JWT token is invalid or malformed.'];
    }
    const cert = new X509Certificate(this.appCertificate.certificate);
    const sha1 = Buffer.from(this.appCertificate.thumbprint, 'hex').toString('base64url');
    const sha256 = Buffer.from(this.appCertificate.thumbprintSha256, 'hex').toString('base64url');
    if (header['x5t#S256'] !== sha256 && header.x5t !== sha1) {
      const sent = String(header['x5t#S256'] ?? header.x5t ?? '');
      return [700027, `Client assertion failed signature validation. (Reason: The key was not found., Thumbprint of key used by client: '${sent}'.)`];
    }
    const x5c = header.x5c;
    if (x5c !== undefined && !(Array.isArray(x5c) && x5c[0] === cert.raw.toString('base64'))) {
      return [700027, 'Client assertion failed signature validation. (Reason: x5c does not hold the registered certificate.)'];
    }
    const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    let valid: boolean;
    if (header.alg === 'RS256') {
      valid = verifySignature('sha256', signingInput, { key: cert.publicKey, padding: cryptoConstants.RSA_PKCS1_PADDING }, signature);
    } else if (header.alg === 'PS256') {
      valid = verifySignature(
        'sha256',
        signingInput,
        { key: cert.publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST },
        signature,
      );
    } else {
      return [5002738, `Invalid JWT token. '${String(header.alg)}' is not a supported signature algorithm.`];
    }
    if (!valid) return [700027, 'Client assertion failed signature validation.'];
    if (claims.aud !== this.tokenEndpoint) {
      return [50013, `Assertion audience claim does not match the required value. The audience in the assertion was '${String(claims.aud)}' and the expected audience is '${this.tokenEndpoint}'.`];
    }
    if (claims.iss !== this.clientId || claims.sub !== this.clientId) {
      return [700021, "Client assertion application identifier doesn't match 'client_id' parameter."];
    }
    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= now || (typeof claims.nbf === 'number' && claims.nbf > now + 300)) {
      return [700024, 'Client assertion is not within its valid time range.'];
    }
    return undefined;
  }

  private entraError(status: number, error: string, code: number, description: string): Reply {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return {
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.url}/error?code=${code}`,
      },
    };
  }

  // --- Graph ---

  private graph(req: IncomingMessage, url: URL, path: string, raw: Buffer, tooLarge: boolean): Reply {
    const refusal = takeFault(this.refusals, path);
    if (refusal) throw refusal.error();
    if (tooLarge) throw new GraphError(413, 'RequestEntityTooLarge', `The request body exceeds the maximum of ${MAX_BODY_BYTES} bytes.`);
    this.authenticate(req.headers);

    const segments = url.pathname.replace(/(?<!\/)\/+$/, '').split('/').slice(2).map(safeDecode);
    if (segments[0]?.toLowerCase() === 'me') {
      throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    const found = this.match(req.method ?? 'GET', segments);
    if (!found) {
      throw new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${segments.at(-1) ?? ''}'.`);
    }
    if (found === 'method') throw new GraphError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${path}.`);
    const request: GraphRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      params: found.params,
      prefer: parsePrefer(req.headers.prefer),
      raw,
      json() {
        if (raw.length === 0) return undefined;
        try {
          return JSON.parse(raw.toString('utf8')) as unknown;
        } catch {
          throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        }
      },
    };
    if (found.params.mailbox !== undefined) request.mailbox = this.resolveMailbox(found.params.mailbox);
    const reply = found.route.handle(request);
    return takeFault(this.spoilers, path)?.spoil(reply) ?? reply;
  }

  private authenticate(headers: IncomingHttpHeaders): void {
    const challenge = {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${this.authority}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    };
    const token = headerValue(headers, 'authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
    const expiry = this.tokens.get(token);
    if (expiry === undefined) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', challenge);
    if (expiry <= Date.now()) throw new GraphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', challenge);
  }

  /**
   * Route patterns are Graph path segments after /v1.0; ":name" takes one segment. Literal
   * segments compare case-insensitively, and an OData function or action may also be spelt
   * fully qualified or with parentheses (microsoft.graph.delta()), as the SDKs do. Paths that
   * carry a path inside them (drive items addressed as root:/folder/file:) need a RegExp.
   */
  private route(method: string, path: string | RegExp, handle: (request: GraphRequest) => Reply): void {
    this.routes.push({ method, pattern: typeof path === 'string' ? path.split('/').filter(Boolean) : path, handle });
  }

  private match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    return pathMatched ? 'method' : undefined;
  }

  /**
   * Outlook resources are under /users/{id | userPrincipalName}
   * (https://learn.microsoft.com/graph/api/user-list-events): an SMTP alias of the mailbox is
   * neither, and gets the 404 an unknown user gets.
   */
  private resolveMailbox(segment: string): Mailbox {
    const key = segment.toLowerCase();
    const mailbox = this.mailboxes.get(key) ?? [...this.mailboxes.values()].find((m) => m.id === key);
    const denied = this.denied.get(key) ?? (mailbox && this.denied.get(mailbox.address.toLowerCase()));
    if (denied === 403) throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    if (!mailbox || denied === 404) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${segment}' is invalid.`);
    return mailbox;
  }

  private mailboxFor(address: string): Mailbox {
    const mailbox = this.mailboxes.get(address.toLowerCase());
    if (!mailbox) throw new Error(`fake Graph has no mailbox ${address}; call addMailbox first`);
    return mailbox;
  }

  // --- Teams apps in a person's personal scope ---

  /**
   * Install app for user: 201 Created with no body; 409 Conflict when the person has it already.
   * https://learn.microsoft.com/en-us/graph/api/userteamwork-post-installedapps
   */
  private teamsAppRoutes(): void {
    this.route('POST', 'users/:user/teamwork/installedApps', (r) => {
      if (!this.installGrant) throw new GraphError(403, 'Forbidden', 'Missing role permissions on the request. API requires one of TeamsAppInstallation.ReadWriteSelfForUser.All, TeamsAppInstallation.ReadWriteForUser.All.');
      const bind = (r.json() as Record<string, unknown> | undefined)?.['teamsApp@odata.bind'];
      const appId = typeof bind === 'string' ? bind.match(/\/appCatalogs\/teamsApps\/([^/]+)$/)?.[1] : undefined;
      if (!appId) throw new GraphError(400, 'BadRequest', 'teamsApp@odata.bind is required.');
      if (!this.catalogApps.has(decodeURIComponent(appId))) throw new GraphError(404, 'NotFound', `The app ${appId} was not found in the app catalog.`);
      const userId = r.params.user!;
      const apps = this.personalApps.get(userId) ?? new Set<string>();
      if (apps.has(appId)) throw new GraphError(409, 'Conflict', 'App is already installed for this user.');
      apps.add(appId);
      this.personalApps.set(userId, apps);
      this.onPersonalInstall?.(userId, appId);
      return { status: 201 };
    });
  }

  // --- SharePoint files ---

  private sharePointRoutes(): void {
    this.route('GET', /^shares\/(?<share>[^/]+)\/driveItem$/i, (r) => {
      const file = this.sharedFile(r.params.share!);
      return { status: 200, body: { id: randomUUID(), name: file.name, size: file.content.length, file: { mimeType: mediaTypeOf(file.name) } } };
    });
    this.route('GET', /^shares\/(?<share>[^/]+)\/driveItem\/content$/i, (r) => {
      const file = this.sharedFile(r.params.share!);
      return { status: 302, headers: { Location: this.downloadUrl(file.content, file.name) } };
    });
    const byPath = /^sites\/(?<host>[^/:]+):\/(?<path>[^:]*)(?::(?:\/(?<rel>drives|drive))?)?$/i;
    this.route('GET', byPath, (r) => {
      const site = this.siteByPath(r.params.host!, r.params.path!);
      if (r.params.rel?.toLowerCase() === 'drives') return this.drivesOf(site);
      if (r.params.rel?.toLowerCase() === 'drive') return this.driveReply(site.drives[0], site);
      return { status: 200, body: this.renderSite(site) };
    });
    this.route('GET', /^sites\/(?<site>[^/:]+)$/i, (r) => ({ status: 200, body: this.renderSite(this.siteById(r.params.site!)) }));
    this.route('GET', /^sites\/(?<site>[^/:]+)\/drives$/i, (r) => this.drivesOf(this.siteById(r.params.site!)));
    this.route('GET', /^sites\/(?<site>[^/:]+)\/drive$/i, (r) => {
      const site = this.siteById(r.params.site!);
      return this.driveReply(site.drives[0], site);
    });
    this.route('GET', /^drives\/(?<drive>[^/:]+)$/i, (r) => ({ status: 200, body: this.renderDrive(this.driveById(r.params.drive!)) }));
    // An item by id or by path, with an operation after it: root, items/{id}, root:/a/b:, items/{id}:/a:/content, …
    const item = /^drives\/(?<drive>[^/:]+)\/(?:root|items\/(?<item>[^/:]+))(?::\/(?<path>[^:]*))?(?<close>:)?(?:\/(?:microsoft\.graph\.)?(?<op>[^/:]+))?$/i;
    this.route('GET', item, (r) => this.itemGet(r));
    this.route('PUT', item, (r) => this.itemPut(r));
    this.route('POST', item, (r) => this.itemPost(r));
  }

  private siteNotFound(): GraphError {
    return new GraphError(404, 'itemNotFound', 'Requested site could not be found');
  }

  private checkSiteAccess(url: string): void {
    const denied = this.deniedSites.get(comparableUrl(url));
    if (denied === 403) throw new GraphError(403, 'accessDenied', 'Access denied');
    if (denied === 404) throw this.siteNotFound();
  }

  private siteByPath(host: string, path: string): SpSite {
    const segments = routeSegments(path);
    this.checkSiteAccess(`https://${host}/${encodeSegments(segments)}`);
    const site = this.sites.find((s) => s.hostname === host.toLowerCase() && s.path.normalize('NFC').toLowerCase() === segments.join('/').normalize('NFC').toLowerCase());
    if (!site) throw this.siteNotFound();
    return site;
  }

  /** By its composite id, or by hostname for the root site. */
  private siteById(id: string): SpSite {
    const key = id.toLowerCase();
    const site = this.sites.find((s) => s.id.toLowerCase() === key) ?? this.sites.find((s) => s.hostname === key && s.path === '');
    if (!site) {
      if (!key.includes(',') && !key.includes('.')) {
        throw new GraphError(400, 'invalidRequest', 'Invalid hostname for this tenancy');
      }
      throw this.siteNotFound();
    }
    this.checkSiteAccess(site.webUrl);
    return site;
  }

  private driveById(id: string): SpDrive {
    const drive = this.sites.flatMap((s) => s.drives).find((d) => d.id === id);
    if (!drive) {
      if (!id.startsWith('b!')) throw new GraphError(400, 'invalidRequest', 'The provided drive id appears to be malformed, or does not represent a valid drive.');
      throw new GraphError(404, 'itemNotFound', 'The resource could not be found.');
    }
    this.checkSiteAccess(drive.site.webUrl);
    return drive;
  }

  private drivesOf(site: SpSite): Reply {
    return {
      status: 200,
      body: {
        '@odata.context': `${this.graphBaseUrl}/$metadata#drives`,
        value: site.drives.map((d) => this.renderDrive(d)),
      },
    };
  }

  private driveReply(drive: SpDrive | undefined, site: SpSite): Reply {
    if (!drive) throw new GraphError(404, 'itemNotFound', `The site ${site.webUrl} has no document library.`);
    return { status: 200, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#drives/$entity`, ...this.renderDrive(drive) } };
  }

  /** The item a request names: root or items/{id}, then the path after it, if any. */
  private addressed(r: GraphRequest): { drive: SpDrive; base: SpItem; path: string[] } {
    const drive = this.driveById(r.params.drive!);
    let base = drive.root;
    if (r.params.item !== undefined && r.params.item.toLowerCase() !== 'root') {
      const found = drive.items.get(r.params.item);
      if (!found) throw itemNotFound();
      base = found;
    }
    const path = r.params.path === undefined ? [] : routeSegments(r.params.path);
    return { drive, base, path };
  }

  private walk(base: SpItem, path: readonly string[]): SpItem {
    let item = base;
    for (const name of path) {
      const child = item.folder ? item.children.get(nameKey(name)) : undefined;
      if (!child) throw itemNotFound();
      item = child;
    }
    return item;
  }

  private itemGet(r: GraphRequest): Reply {
    const { base, path } = this.addressed(r);
    const item = this.walk(base, path);
    const op = r.params.op?.toLowerCase();
    if (op === undefined) return { status: 200, body: this.renderItem(item, true) };
    if (op === 'children') {
      if (!item.folder) return { status: 200, body: { value: [] } };
      return { status: 200, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#Collection(driveItem)`, value: [...item.children.values()].map((c) => this.renderItem(c, false)) } };
    }
    if (op === 'versions') {
      if (item.folder) throw new GraphError(400, 'invalidRequest', 'Versions are only available for files.');
      return {
        status: 200,
        body: {
          '@odata.context': `${this.graphBaseUrl}/$metadata#drives('${item.drive.id}')/items('${item.id}')/versions`,
          // A checked-out draft is the item's content, not yet one of its versions: changes are not
          // visible until the document is checked in (https://learn.microsoft.com/graph/api/driveitem-checkout).
          value: item.versions.slice(0, item.draft ? -1 : undefined).reverse().map((v) => ({
            '@microsoft.graph.downloadUrl': this.downloadUrl(v.content, item.name),
            id: v.label,
            lastModifiedDateTime: v.at,
            size: v.content.length,
            lastModifiedBy: this.appIdentity(),
          })),
        },
      };
    }
    if (op === 'content') {
      if (item.folder) throw new GraphError(400, 'invalidRequest', 'The item is a folder; only files have content.');
      const format = queryParam(r.url, 'format');
      const current = item.versions.at(-1)!;
      if (format === undefined) return { status: 302, headers: { Location: this.downloadUrl(current.content, item.name) } };
      if (format.toLowerCase() !== 'pdf') throw new GraphError(400, 'invalidRequest', `The format '${format}' is not a valid format value.`);
      if (!PDF_SOURCES.has(extensionOf(item.name))) {
        throw new GraphError(406, 'notSupported', `Error from Office Service. The file type '${extensionOf(item.name) || '(none)'}' cannot be converted to pdf.`);
      }
      const pdfName = `${item.name.replace(/\.[^.]*$/, '')}.pdf`;
      return { status: 302, headers: { Location: this.downloadUrl(minimalPdf(item.name), pdfName, 'application/pdf') } };
    }
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${r.params.op}'.`);
  }

  /** PUT …/content: a new file by path, or new content for an item by id (simple upload, ≤ 4 MB). */
  private itemPut(r: GraphRequest): Reply {
    if (r.params.op?.toLowerCase() !== 'content') throw new GraphError(405, 'MethodNotAllowed', `PUT is not allowed on ${r.url.pathname}.`);
    const { drive, base, path } = this.addressed(r);
    const behavior = conflictBehavior(queryParam(r.url, '@microsoft.graph.conflictBehavior'), 'replace');
    if (drive.full) throw insufficientStorage();
    if (path.length === 0) {
      if (base.folder) throw new GraphError(400, 'invalidRequest', 'Cannot upload content to a folder.');
      return this.store(drive, base.parent!, base.name, r.raw, 'replace');
    }
    const parent = this.walk(base, path.slice(0, -1));
    if (!parent.folder) throw itemNotFound();
    return this.store(drive, parent, path.at(-1)!, r.raw, behavior);
  }

  private itemPost(r: GraphRequest): Reply {
    const op = r.params.op?.toLowerCase();
    if (op === 'children') return this.createFolder(r);
    if (op === 'createuploadsession') return this.createUploadSession(r);
    if (op === 'checkout') return this.checkout(r);
    if (op === 'checkin') return this.checkin(r);
    throw new GraphError(405, 'MethodNotAllowed', `POST is not allowed on ${r.url.pathname}.`);
  }

  /**
   * https://learn.microsoft.com/graph/api/driveitem-checkout: the file is checked out to the
   * caller; what it writes from now on is not seen by others until it is checked in. Checking
   * out a file that is checked out already is refused (423 here; the docs list no code for it).
   */
  private checkout(r: GraphRequest): Reply {
    const { base, path } = this.addressed(r);
    const item = this.walk(base, path);
    if (item.folder) throw new GraphError(400, 'invalidRequest', 'Only files can be checked out.');
    if (item.checkedOut) throw new GraphError(423, 'resourceLocked', `The file "${item.name}" is checked out.`);
    item.checkedOut = true;
    item.changeCount += 1;
    return { status: 204 };
  }

  /**
   * https://learn.microsoft.com/graph/api/driveitem-checkin: the checked-out version becomes
   * the one others see (204); a file that is not checked out gets 400 ("The file is not checked out.").
   */
  private checkin(r: GraphRequest): Reply {
    const { base, path } = this.addressed(r);
    const item = this.walk(base, path);
    const body = r.json();
    if (body !== undefined) requireObject(body);
    if (item.folder || !item.checkedOut) throw new GraphError(400, 'invalidRequest', 'The file is not checked out.');
    item.checkedOut = false;
    item.draft = false;
    item.changeCount += 1;
    return { status: 204 };
  }

  private createFolder(r: GraphRequest): Reply {
    const { drive, base, path } = this.addressed(r);
    const parent = this.walk(base, path);
    if (!parent.folder) throw new GraphError(400, 'invalidRequest', 'The parent item is not a folder.');
    const input = requireObject(r.json());
    if (typeof input.name !== 'string') throw new GraphError(400, 'invalidRequest', 'The name of the item is missing.');
    if (input.folder === undefined && input.file === undefined) {
      throw new GraphError(400, 'invalidRequest', 'A folder or file facet is required to create an item.');
    }
    if (input.file !== undefined) throw new GraphError(400, 'invalidRequest', 'Files are created by uploading their content.');
    checkName(input.name);
    const behavior = conflictBehavior(input['@microsoft.graph.conflictBehavior'], 'fail');
    const existing = parent.children.get(nameKey(input.name));
    if (existing) {
      if (behavior === 'fail') throw nameAlreadyExists();
      if (behavior === 'replace' && existing.folder) return { status: 200, body: this.renderItem(existing, true) };
    }
    const name = existing ? freeName(parent, input.name) : input.name;
    const folder = this.newItem(drive, parent, name, true);
    return { status: 201, body: this.renderItem(folder, true) };
  }

  private createUploadSession(r: GraphRequest): Reply {
    const { drive, base, path } = this.addressed(r);
    const body = r.json();
    const input = body === undefined ? {} : requireObject(body);
    const item = input.item === undefined ? {} : requireObject(input.item);
    let parent: SpItem;
    let name: string;
    if (path.length === 0) {
      if (base.folder) throw new GraphError(400, 'invalidRequest', 'An upload session needs the new file name in the path.');
      parent = base.parent!;
      name = base.name;
    } else {
      parent = this.walk(base, path.slice(0, -1));
      if (!parent.folder) throw itemNotFound();
      name = path.at(-1)!;
    }
    if (typeof item.name === 'string' && item.name !== name) {
      throw new GraphError(400, 'invalidRequest', 'The name in the request body does not match the name in the path.');
    }
    checkName(name);
    // The docs give "fail" as this operation's default, unlike a simple PUT.
    const behavior = path.length === 0 ? 'replace' : conflictBehavior(item['@microsoft.graph.conflictBehavior'], 'fail');
    if (behavior === 'fail' && parent.children.has(nameKey(name))) throw nameAlreadyExists();
    const fileSize = typeof item.fileSize === 'number' ? item.fileSize : undefined;
    if (drive.full && fileSize !== undefined) throw insufficientStorage();
    const session: SpUploadSession = {
      token: randomUUID(),
      drive,
      parent,
      name,
      behavior,
      expiresMs: Date.now() + UPLOAD_SESSION_MS,
      total: fileSize,
      received: [],
      next: 0,
    };
    this.uploadSessions.set(session.token, session);
    const query = `guid='${session.token}'&overwrite=${behavior === 'replace' ? 'True' : 'False'}&rename=${behavior === 'rename' ? 'True' : 'False'}&dc=0&tempauth=${randomBytes(48).toString('base64url')}`;
    return {
      status: 200,
      body: {
        '@odata.context': `${this.graphBaseUrl}/$metadata#microsoft.graph.uploadSession`,
        expirationDateTime: new Date(session.expiresMs).toISOString(),
        nextExpectedRanges: ['0-'],
        uploadUrl: `${this.url}/_api/v2.0/drives/${drive.id}/items/${parent.id}/uploadSession?${query}`,
      },
    };
  }

  /** Upload session URLs and pre-authenticated download URLs: on the fake's host, outside /v1.0, without a token. */
  private sharePointUrl(req: IncomingMessage, url: URL, path: string, raw: Buffer, tooLarge: boolean): Reply {
    const refusal = takeFault(this.refusals, path);
    if (refusal) throw refusal.error();
    return isDownloadUrl(url) ? this.download(req, url) : this.uploadFragment(req, url, raw, tooLarge);
  }

  private download(req: IncomingMessage, url: URL): Reply {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new GraphError(405, 'MethodNotAllowed', 'Only GET is allowed on a download URL.');
    const entry = this.downloads.get(queryParam(url, 'tempauth') ?? '');
    if (!entry || entry.expiresMs < Date.now()) throw new GraphError(401, 'unauthenticated', 'The download URL has expired or is not valid.');
    return {
      status: 200,
      binary: entry.content,
      headers: {
        'Content-Type': entry.contentType,
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.fileName)}`,
      },
    };
  }

  private uploadFragment(req: IncomingMessage, url: URL, raw: Buffer, tooLarge: boolean): Reply {
    const token = (queryParam(url, 'guid') ?? '').replace(/^'|'$/g, '');
    const session = this.uploadSessions.get(token);
    if (!session || session.expiresMs < Date.now()) {
      this.uploadSessions.delete(token);
      throw new GraphError(404, 'itemNotFound', 'The upload session was not found; it may have expired or been completed.');
    }
    // The docs: an Authorization header on the upload URL may get a 401; this fake always gives it.
    if (headerValue(req.headers, 'authorization') !== undefined) {
      throw new GraphError(401, 'unauthenticated', 'The upload URL is pre-authenticated; do not send an Authorization header to it.');
    }
    const status = (): Record<string, unknown> => ({
      expirationDateTime: new Date(session.expiresMs).toISOString(),
      nextExpectedRanges: [`${session.next}-${session.total === undefined ? '' : session.total - 1}`],
    });
    if (req.method === 'GET') return { status: 200, body: status() };
    if (req.method === 'DELETE') {
      this.uploadSessions.delete(token);
      return { status: 204 };
    }
    if (req.method !== 'PUT') throw new GraphError(405, 'MethodNotAllowed', `${req.method} is not allowed on an upload URL.`);
    if (tooLarge) throw new GraphError(413, 'maxFragmentLengthExceeded', `A fragment may be at most ${MAX_FRAGMENT_BYTES} bytes.`);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headerValue(req.headers, 'content-range') ?? '');
    if (!range) throw new GraphError(400, 'invalidRequest', 'The Content-Range header is missing or malformed; expected bytes {start}-{end}/{total}.');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (end < start || end >= total || raw.length !== end - start + 1) {
      throw new GraphError(400, 'invalidRequest', `The Content-Range bytes ${start}-${end}/${total} does not match the ${raw.length} bytes sent.`);
    }
    if (session.total !== undefined && session.total !== total) {
      throw new GraphError(400, 'invalidRequest', 'Declared total size for this fragment is different from that of the upload session.');
    }
    if (start !== session.next) {
      const message = start < session.next ? 'The uploaded fragment overlaps with data that has already been received.' : 'The uploaded fragment is out of order.';
      throw new GraphError(416, 'invalidRange', `${message} Next expected: ${session.next}.`);
    }
    // Stricter than the service, which fails only some commits: every fragment but the last must be whole 320 KiB units.
    if (end + 1 < total && raw.length % FRAGMENT_UNIT !== 0) {
      throw new GraphError(400, 'invalidRequest', `Fragments other than the last must be a multiple of 320 KiB (327,680 bytes); this one is ${raw.length}.`);
    }
    session.total = total;
    session.received.push(Buffer.from(raw));
    session.next = end + 1;
    session.expiresMs = Date.now() + UPLOAD_SESSION_MS;
    if (session.next < total) return { status: 202, body: status() };
    // The last byte: the file is committed. A conflict or a full library now keeps the session until it expires, as the docs describe.
    if (session.drive.full) {
      this.rewind(session);
      throw insufficientStorage();
    }
    const existing = session.parent.children.get(nameKey(session.name));
    if (existing && session.behavior === 'fail') {
      this.rewind(session);
      throw new GraphError(409, 'nameAlreadyExists', 'Another file exists with the same name as the uploaded session.');
    }
    const reply = this.store(session.drive, session.parent, session.name, Buffer.concat(session.received), session.behavior);
    this.uploadSessions.delete(token);
    return reply;
  }

  /** A refused commit leaves the session wanting its last fragment again. */
  private rewind(session: SpUploadSession): void {
    const last = session.received.pop()!;
    session.next -= last.length;
  }

  /** Writes a file under `parent` the way the conflict behaviour says; 201 for a new item, 200 for new content. */
  private store(drive: SpDrive, parent: SpItem, name: string, content: Buffer, behavior: ConflictBehavior): Reply {
    checkName(name);
    const existing = parent.children.get(nameKey(name));
    const now = graphInstant(Date.now());
    if (existing && behavior !== 'rename') {
      if (behavior === 'fail' || existing.folder) throw nameAlreadyExists();
      // A library that requires check-out refuses changes to a file nobody checked out (SharePoint's
      // "The file … must be checked out first"), answered as Graph's 423 Locked, "the resource that
      // is being accessed is locked" (https://learn.microsoft.com/graph/errors).
      if (drive.requireCheckout && !existing.checkedOut) {
        throw new GraphError(423, 'resourceLocked', `The file "${existing.name}" must be checked out before it can be changed.`);
      }
      // "replace" keeps the item and its id; the library's versioning decides whether the old content stays as a version.
      const version = { label: '', content: Buffer.from(content), at: now };
      if (existing.draft) existing.versions.pop();
      version.label = `${drive.versioning ? existing.versions.length + 1 : 1}.0`;
      if (drive.versioning) existing.versions.push(version);
      else existing.versions = [version];
      // While checked out, the new content is the caller's draft until check-in.
      existing.draft = existing.checkedOut === true;
      existing.lastModifiedDateTime = now;
      existing.changeCount += 1;
      return { status: 200, body: this.renderItem(existing, true) };
    }
    const file = this.newItem(drive, parent, existing ? freeName(parent, name) : name, false);
    file.versions = [{ label: '1.0', content: Buffer.from(content), at: now }];
    // The SPDocumentLibrary.CheckedOutFiles page (https://learn.microsoft.com/previous-versions/office/sharepoint-server/ms464471(v=office.15)):
    // a file added to a library that requires check-out is checked out to whoever added it, who
    // must check it in before other people can use it.
    if (drive.requireCheckout) {
      file.checkedOut = true;
      file.draft = true;
    }
    return { status: 201, body: this.renderItem(file, true) };
  }

  private newItem(drive: SpDrive, parent: SpItem, name: string, folder: boolean): SpItem {
    const now = graphInstant(Date.now());
    const item: SpItem = {
      id: itemId(),
      uniqueId: randomUUID(),
      name,
      parent,
      drive,
      folder,
      children: new Map(),
      versions: [],
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeCount: 1,
    };
    parent.children.set(nameKey(name), item);
    drive.items.set(item.id, item);
    return item;
  }

  private downloadUrl(content: Buffer, fileName: string, contentType = mediaTypeOf(fileName)): string {
    const token = randomBytes(32).toString('base64url');
    this.downloads.set(token, { content, contentType, fileName, expiresMs: Date.now() + DOWNLOAD_URL_MS });
    return `${this.url}/_layouts/15/download.aspx?UniqueId=${randomUUID()}&Translate=false&tempauth=${token}&ApiVersion=2.0`;
  }

  private appIdentity(): Record<string, unknown> {
    return { application: { id: this.clientId, displayName: 'Rådsassistenten' }, user: { displayName: 'SharePoint App' } };
  }

  private itemWebUrl(item: SpItem): string {
    const drive = item.drive;
    if (item === drive.root) return drive.webUrl;
    if (!item.folder && OFFICE_EXTENSIONS.has(extensionOf(item.name))) {
      return `${drive.site.webUrl}/_layouts/15/Doc.aspx?sourcedoc=%7B${item.uniqueId.toUpperCase()}%7D&file=${encodeURIComponent(item.name)}&action=default&mobileredirect=true`;
    }
    return `${drive.webUrl}/${encodeSegments(itemPath(item))}`;
  }

  private renderSite(site: SpSite): Record<string, unknown> {
    return {
      '@odata.context': `${this.graphBaseUrl}/$metadata#sites/$entity`,
      createdDateTime: site.createdDateTime,
      description: '',
      id: site.id,
      lastModifiedDateTime: site.createdDateTime,
      name: site.name,
      webUrl: site.webUrl,
      displayName: site.displayName,
      root: {},
      siteCollection: { hostname: site.hostname },
    };
  }

  private renderDrive(drive: SpDrive): Record<string, unknown> {
    const used = [...drive.items.values()].reduce((sum, i) => sum + i.versions.reduce((s, v) => s + v.content.length, 0), 0);
    const total = 27_487_790_694_400;
    return {
      createdDateTime: drive.createdDateTime,
      description: '',
      id: drive.id,
      lastModifiedDateTime: drive.createdDateTime,
      name: drive.name,
      webUrl: drive.webUrl,
      driveType: 'documentLibrary',
      createdBy: { user: { displayName: 'System Account' } },
      owner: { group: { displayName: drive.site.displayName } },
      quota: { deleted: 0, remaining: drive.full ? 0 : total - used, state: drive.full ? 'exceeded' : 'normal', total, used },
    };
  }

  private renderItem(item: SpItem, withContext: boolean): Record<string, unknown> {
    const drive = item.drive;
    const context = withContext ? { '@odata.context': `${this.graphBaseUrl}/$metadata#drives('${drive.id}')/items/$entity` } : {};
    const current = item.versions.at(-1);
    const parentPath = item.parent ? itemPath(item.parent) : undefined;
    return {
      ...context,
      ...(current ? { '@microsoft.graph.downloadUrl': this.downloadUrl(current.content, item.name) } : {}),
      createdDateTime: item.createdDateTime,
      eTag: `"{${item.uniqueId.toUpperCase()}},${item.changeCount}"`,
      id: item.id,
      lastModifiedDateTime: item.lastModifiedDateTime,
      name: item.name,
      webUrl: this.itemWebUrl(item),
      cTag: `"c:{${item.uniqueId.toUpperCase()}},${item.changeCount}"`,
      size: item.folder ? folderSize(item) : current!.content.length,
      createdBy: this.appIdentity(),
      lastModifiedBy: this.appIdentity(),
      parentReference: item.parent
        ? {
            driveType: 'documentLibrary',
            driveId: drive.id,
            id: item.parent.id,
            name: item.parent === drive.root ? drive.name : item.parent.name,
            path: `/drives/${drive.id}/root:${parentPath!.length ? `/${encodeSegments(parentPath!)}` : ''}`,
            siteId: drive.site.id,
          }
        : { driveType: 'documentLibrary', driveId: drive.id },
      fileSystemInfo: { createdDateTime: item.createdDateTime, lastModifiedDateTime: item.lastModifiedDateTime },
      ...(item.folder ? { folder: { childCount: item.children.size } } : { file: { mimeType: mediaTypeOf(item.name) }, shared: { scope: 'users' } }),
      // https://learn.microsoft.com/graph/api/resources/publicationfacet: "published" or "checkout", and who has it.
      ...(item.folder ? {} : { publication: { level: item.checkedOut ? 'checkout' : 'published', versionId: current!.label, ...(item.checkedOut ? { checkedOutBy: this.appIdentity() } : {}) } }),
      ...(item === drive.root ? { root: {} } : {}),
    };
  }

  // --- calendar ---

  private calendarRoutes(): void {
    for (const events of ['users/:mailbox/events', 'users/:mailbox/calendar/events']) {
      this.route('GET', events, (r) => this.listEvents(r));
      this.route('POST', events, (r) => this.createEvent(r));
      this.route('GET', `${events}/:id`, (r) => this.getEvent(r));
      this.route('PATCH', `${events}/:id`, (r) => this.updateEvent(r));
      this.route('DELETE', `${events}/:id`, (r) => this.deleteEvent(r));
      this.route('POST', `${events}/:id/cancel`, (r) => this.cancelEvent(r));
    }
    for (const view of ['users/:mailbox/calendarView', 'users/:mailbox/calendar/calendarView']) {
      this.route('GET', view, (r) => this.listCalendarView(r));
      this.route('GET', `${view}/delta`, (r) => this.calendarViewDelta(r));
    }
    this.route('GET', 'users/:mailbox/calendar', (r) => this.getCalendar(r));
    this.route('GET', 'users', (r) => this.listUsers(r));
    this.route('GET', 'users/:user', (r) => this.getUser(r));
    this.route('POST', 'users/:user/onlineMeetings', (r) => this.createOnlineMeeting(r, false));
    this.route('POST', 'users/:user/onlineMeetings/createOrGet', (r) => this.createOnlineMeeting(r, true));
  }

  /**
   * https://learn.microsoft.com/graph/outlook-calendar-online-meetings ("Calendars and online
   * meeting providers"): the calendar says which providers its events may use.
   */
  private getCalendar(r: GraphRequest): Reply {
    const mailbox = r.mailbox!;
    return {
      status: 200,
      body: {
        '@odata.context': `${this.graphBaseUrl}/$metadata#users('${r.params.mailbox}')/calendar/$entity`,
        id: `AQMkAD${Buffer.from(mailbox.id).toString('base64url')}AAAA==`,
        name: 'Calendar',
        color: 'auto',
        changeKey: randomBytes(16).toString('base64'),
        canShare: true,
        canViewPrivateItems: true,
        canEdit: true,
        allowedOnlineMeetingProviders: [...mailbox.allowedProviders],
        defaultOnlineMeetingProvider: mailbox.allowedProviders[0] ?? 'unknown',
        isTallyingResponses: true,
        isRemovable: false,
        owner: { name: mailbox.displayName, address: mailbox.address },
      },
    };
  }

  /**
   * Users are directory objects: reading them takes User.Read.All (application), and without it
   * Graph answers 403 Authorization_RequestDenied (https://learn.microsoft.com/graph/api/user-get,
   * "Permissions"). /users/{id | userPrincipalName} knows no other address: a mailbox's SMTP
   * alias is found only by filtering on proxyAddresses or mail
   * (https://learn.microsoft.com/graph/api/resources/user, proxyAddresses: "the any operator is
   * required for filter expressions on multi-valued properties"; compared case-insensitively).
   */
  private requireUserRead(): void {
    if (!this.userRead) throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  private renderUser(m: Mailbox): Record<string, unknown> {
    return {
      id: m.id,
      displayName: m.displayName,
      userPrincipalName: m.address,
      mail: m.address,
      proxyAddresses: [`SMTP:${m.address}`, ...m.aliases.map((a) => `smtp:${a}`)],
    };
  }

  private getUser(r: GraphRequest): Reply {
    this.requireUserRead();
    const key = r.params.user!.toLowerCase();
    const user = this.mailboxes.get(key) ?? [...this.mailboxes.values()].find((m) => m.id === key);
    if (!user) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${r.params.user}' does not exist or one of its queried reference-property objects are not present.`);
    return { status: 200, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#users/$entity`, ...this.renderUser(user) } };
  }

  /** Only the filters a client looking for a mailbox by address needs: proxyAddresses/any(x:x eq '…'), mail eq '…', userPrincipalName eq '…', joined by "or". */
  private listUsers(r: GraphRequest): Reply {
    this.requireUserRead();
    const filter = queryParam(r.url, '$filter');
    let users = [...this.mailboxes.values()];
    if (filter !== undefined) {
      const tests = filter.split(/(?<!\s)\s+or\s+/i).map((clause): ((m: Mailbox) => boolean) => {
        const proxy = /^proxyAddresses\/any\((\w+):\s*\1\s+eq\s+'([^']*)'\)$/i.exec(clause.trim());
        if (proxy) return (m) => (this.renderUser(m).proxyAddresses as string[]).some((p) => p.toLowerCase() === proxy[2]!.toLowerCase());
        const simple = /^(mail|userPrincipalName)\s+eq\s+'([^']*)'$/i.exec(clause.trim());
        if (simple) return (m) => m.address.toLowerCase() === simple[2]!.toLowerCase();
        throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${clause.trim()}' of resource 'User'.`);
      });
      users = users.filter((m) => tests.some((test) => test(m)));
    }
    return { status: 200, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#users`, value: users.map((m) => this.renderUser(m)) } };
  }

  /**
   * https://learn.microsoft.com/graph/api/application-post-onlinemeetings and
   * https://learn.microsoft.com/graph/api/onlinemeeting-createorget: with application permission
   * the user in the path is the object id, and an administrator must have granted an application
   * access policy for that user; without one the answer is the refusal
   * https://learn.microsoft.com/graph/cloud-communication-online-meeting-application-access-policy
   * shows ("App … is not authorized to Create meeting on behalf of user …"), as a 403. createOrGet
   * gives back the meeting already made with the same externalId (200) instead of a second one.
   * Stricter than the service: a userPrincipalName in the path is refused, not guessed at.
   */
  private createOnlineMeeting(r: GraphRequest, orGet: boolean): Reply {
    const id = r.params.user!.toLowerCase();
    const user = [...this.mailboxes.values()].find((m) => m.id === id);
    if (!user) {
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new GraphError(400, 'BadRequest', 'The user in the path must be the object id of the meeting organizer.');
      throw new GraphError(404, 'NotFound', `User ${r.params.user} was not found.`);
    }
    if (!user.onlineMeetingPolicy) {
      throw new GraphError(403, 'Forbidden', `App ${this.clientId} is not authorized to Create meeting on behalf of user ${user.id}`);
    }
    const input = requireObject(r.json());
    const externalId = typeof input.externalId === 'string' && input.externalId ? input.externalId : null;
    if (orGet && !externalId) throw new GraphError(400, 'BadRequest', 'externalId is required.');
    const existing = externalId ? user.onlineMeetings.get(externalId) : undefined;
    if (existing) return { status: 200, body: { ...existing } };
    const thread = `19%3ameeting_${randomBytes(36).toString('base64url')}%40thread.v2`;
    const context = encodeURIComponent(JSON.stringify({ Tid: this.tenantId, Oid: user.id })).toLowerCase();
    const meeting: FakeOnlineMeeting = {
      id: `MSo${randomBytes(40).toString('base64url')}`,
      externalId,
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${thread}/0?context=${context}`,
      subject: typeof input.subject === 'string' ? input.subject : '',
    };
    user.onlineMeetings.set(externalId ?? meeting.id, meeting);
    return { status: 201, body: { '@odata.context': `${this.graphBaseUrl}/$metadata#users('${user.id}')/onlineMeetings/$entity`, ...meeting } };
  }

  private createEvent(r: GraphRequest): Reply {
    const mailbox = r.mailbox!;
    const input = requireObject(r.json());
    checkEventProperties(input);
    const transactionId = typeof input.transactionId === 'string' && input.transactionId ? input.transactionId : null;
    const fingerprint = canonicalJson(input);
    if (transactionId) {
      const existing = mailbox.events.get(mailbox.transactions.get(transactionId) ?? '');
      if (existing && !existing.deleted) {
        // A retry of the same create gets the event made the first time (201 again, no second event).
        if (existing.createdFrom === fingerprint) return this.entity(r, 201, existing);
        throw new GraphError(400, 'ErrorDuplicateTransactionId', "Your request can't be completed. The TransactionId specified in the request has already been used to create a different event.");
      }
    }
    if (typeof input.subject !== 'string') throw new GraphError(400, 'ErrorInvalidRequest', 'The event needs a subject.');
    if (input.start === undefined || input.end === undefined) {
      throw new GraphError(400, 'ErrorInvalidRequest', 'The event needs both start and end.');
    }
    if (input.recurrence !== undefined && input.recurrence !== null) {
      throw new GraphError(501, 'NotImplemented', 'The fake Graph does not model recurring events.');
    }
    const start = parseDateTimeTimeZone(input.start, 'start');
    const end = parseDateTimeTimeZone(input.end, 'end');
    if (end.ms < start.ms) {
      throw new GraphError(400, 'ErrorCalendarEndDateIsEarlierThanStartDate', 'The end date you entered occurs before the start date.');
    }
    const event = this.newEvent(mailbox, {
      subject: input.subject,
      body: parseBody(input.body),
      startMs: start.ms,
      endMs: end.ms,
      timeZone: start.timeZone,
      endTimeZone: end.timeZone,
    });
    event.transactionId = transactionId;
    event.createdFrom = fingerprint;
    if (transactionId) mailbox.transactions.set(transactionId, event.id);
    this.applyEventProperties(mailbox, event, input);
    if (input.isOnlineMeeting === true) this.askOnline(mailbox, event, input.onlineMeetingProvider);
    this.mail(mailbox, event, 'invitation', event.attendees);
    return this.entity(r, 201, event);
  }

  private getEvent(r: GraphRequest): Reply {
    return this.entity(r, 200, this.eventFromPath(r));
  }

  private updateEvent(r: GraphRequest): Reply {
    const event = this.eventFromPath(r);
    const ifMatch = headerValue(r.headers, 'if-match');
    if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${event.changeKey}"`) {
      throw new GraphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
    }
    const input = requireObject(r.json());
    checkEventProperties(input);
    if ('transactionId' in input && input.transactionId !== event.transactionId) {
      throw new GraphError(400, 'ErrorInvalidRequest', 'The transactionId of an event cannot be changed.');
    }
    if (input.recurrence !== undefined && input.recurrence !== null) {
      throw new GraphError(501, 'NotImplemented', 'The fake Graph does not model recurring events.');
    }
    if (input.subject !== undefined) {
      if (typeof input.subject !== 'string') throw new GraphError(400, 'ErrorInvalidRequest', 'subject must be a string.');
      event.subject = input.subject;
    }
    const before = event.attendees;
    const join = event.onlineMeeting?.joinUrl;
    if (input.body !== undefined) {
      event.body = parseBody(input.body);
      // https://learn.microsoft.com/graph/api/event-update ("body property and online meetings"): the
      // body of an online meeting holds its join information, and a body that leaves it out
      // disables the meeting online. isOnlineMeeting: true in the same request does not bring it
      // back: it is already true as far as Exchange can tell.
      if (join && !bodyHolds(event.body, join)) {
        event.onlineMeeting = null;
        event.isOnlineMeeting = false;
      }
    }
    const start = input.start === undefined ? undefined : parseDateTimeTimeZone(input.start, 'start');
    const end = input.end === undefined ? undefined : parseDateTimeTimeZone(input.end, 'end');
    if ((end?.ms ?? event.endMs) < (start?.ms ?? event.startMs)) {
      throw new GraphError(400, 'ErrorCalendarEndDateIsEarlierThanStartDate', 'The end date you entered occurs before the start date.');
    }
    if (start) {
      event.startMs = start.ms;
      event.originalStartTimeZone = start.timeZone;
    }
    if (end) {
      event.endMs = end.ms;
      event.originalEndTimeZone = end.timeZone;
    }
    this.applyEventProperties(r.mailbox!, event, input);
    // https://learn.microsoft.com/graph/outlook-calendar-online-meetings ("Update a meeting to
    // enable attendees to meet online"): isOnlineMeeting on an event that is not online makes it so.
    if (input.isOnlineMeeting === true && !join) this.askOnline(r.mailbox!, event, input.onlineMeetingProvider);
    this.touch(event);
    this.mailUpdate(r.mailbox!, event, input, before);
    return this.entity(r, 200, event);
  }

  private deleteEvent(r: GraphRequest): Reply {
    const event = this.eventFromPath(r);
    // https://learn.microsoft.com/graph/api/event-delete: deleting a meeting in the organizer's
    // calendar sends the attendees a cancellation.
    if (event.isOrganizer) this.mail(r.mailbox!, event, 'cancellation', event.attendees);
    this.remove(event);
    return { status: 204 };
  }

  /**
   * The organizer's cancel sends the cancellation to every attendee and moves the event to
   * Deleted Items: gone from the calendar (https://learn.microsoft.com/graph/api/event-cancel).
   */
  private cancelEvent(r: GraphRequest): Reply {
    const event = this.eventFromPath(r);
    const input = r.json();
    if (input !== undefined) requireObject(input);
    if (!event.isOrganizer) {
      throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. You need to be an organizer to cancel a meeting.");
    }
    this.mail(r.mailbox!, event, 'cancellation', event.attendees);
    this.remove(event);
    return { status: 202 };
  }

  /** List events: "The list contains single instance meetings and series masters" (https://learn.microsoft.com/graph/api/resources/event). */
  private listEvents(r: GraphRequest): Reply {
    const events = [...r.mailbox!.events.values()].filter((e) => !e.deleted && e.type !== 'exception').sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
    return this.listPage(r, events, 'events');
  }

  private listCalendarView(r: GraphRequest): Reply {
    const window = parseWindow(r.url);
    const mailbox = r.mailbox!;
    // No series master in a calendar view: its occurrences and exceptions stand for it.
    const events = [...mailbox.events.values()]
      .filter((e) => !e.deleted && e.type !== 'exception')
      .flatMap((e) => (e.type === 'seriesMaster' ? this.instances(mailbox, e, window).map((i) => this.instanceEvent(mailbox, i)) : overlaps(e, window) ? [e] : []))
      .sort((a, b) => a.startMs - b.startMs);
    return this.listPage(r, events, 'calendarView');
  }

  /** Plain collections page with $top/$skip, like Outlook collections do. */
  private listPage(r: GraphRequest, events: StoredEvent[], collection: string): Reply {
    const top = Math.max(1, Number(queryParam(r.url, '$top') ?? 10) || 10);
    const skip = Math.max(0, Number(queryParam(r.url, '$skip') ?? 0) || 0);
    const view = this.view(r);
    const body: Record<string, unknown> = {
      '@odata.context': `${this.graphBaseUrl}/$metadata#users('${r.params.mailbox}')/${collection}`,
      value: events.slice(skip, skip + top).map((e) => this.render(r.mailbox!, e, view)),
    };
    if (skip + top < events.length) {
      const next = new URL(r.url);
      next.searchParams.set('$skip', String(skip + top));
      next.searchParams.set('$top', String(top));
      body['@odata.nextLink'] = next.toString();
    }
    return { status: 200, body, headers: preferenceApplied(view) };
  }

  /**
   * calendarView delta: the first request of a round (with startDateTime/endDateTime, or a
   * deltaLink) snapshots what to report; nextLinks page through it; the last page carries the
   * deltaLink for the next round. Items outside the window that changed, and deleted ones, come
   * as @removed, as the docs describe.
   */
  private calendarViewDelta(r: GraphRequest): Reply {
    const mailbox = r.mailbox!;
    if (queryParam(r.url, '$top') !== undefined) {
      throw new GraphError(400, 'ErrorInvalidUrlQuery', "The '$top' parameter is not supported with change tracking over the 'CalendarView' resource as page size cannot be guaranteed. Express page size preferences using the Prefer: odata.maxpagesize= header instead.");
    }
    const skipToken = queryParam(r.url, '$skiptoken');
    const deltaToken = queryParam(r.url, '$deltatoken');
    if (skipToken !== undefined) {
      const [roundId, offset] = Buffer.from(skipToken, 'base64url').toString('utf8').split(':');
      const round = this.rounds.get(roundId ?? '');
      if (!round || round.generation !== this.deltaGeneration || round.mailboxId !== mailbox.id) throw this.syncStateGone(round);
      return this.deltaPage(r, round, Number(offset) || 0);
    }
    let round: DeltaRound;
    if (deltaToken !== undefined) {
      const state = this.deltaStates.get(deltaToken);
      if (!state || state.generation !== this.deltaGeneration || state.mailboxId !== mailbox.id) throw this.syncStateGone(state);
      // Exceptions change with their master (touch() moves both), and are reported with its series.
      const changed = [...mailbox.events.values()].filter((e) => e.changeSeq > state.seq && e.type !== 'exception').sort((a, b) => a.changeSeq - b.changeSeq);
      round = this.newRound(mailbox, state.path, state.window, changed.flatMap((e) => this.deltaEntries(mailbox, e, state.window, false)));
    } else {
      const window = parseWindow(r.url);
      const current = [...mailbox.events.values()]
        .filter((e) => !e.deleted && e.type !== 'exception')
        .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
      round = this.newRound(mailbox, r.url.pathname, window, current.flatMap((e) => this.deltaEntries(mailbox, e, window, true)));
    }
    return this.deltaPage(r, round, 0);
  }

  private newRound(mailbox: Mailbox, path: string, window: DeltaWindow, entries: DeltaEntry[]): DeltaRound {
    const deltaToken = randomBytes(24).toString('base64url');
    this.deltaStates.set(deltaToken, { generation: this.deltaGeneration, mailboxId: mailbox.id, path, window, seq: this.changeSeq });
    const round: DeltaRound = { id: randomUUID(), generation: this.deltaGeneration, mailboxId: mailbox.id, path, window, entries, deltaToken };
    this.rounds.set(round.id, round);
    return round;
  }

  /** Page size comes from this request's Prefer header: Graph does not carry it over in the links. */
  private deltaPage(r: GraphRequest, round: DeltaRound, offset: number): Reply {
    const requested = Number(r.prefer.get('odata.maxpagesize'));
    const size = Math.min(Number.isInteger(requested) && requested > 0 ? requested : this.pageSize, this.maxPageSize ?? Infinity);
    const view = this.view(r);
    const mailbox = r.mailbox!;
    const link = `${this.url}${round.path}`;
    const body: Record<string, unknown> = { '@odata.context': `${this.graphBaseUrl}/$metadata#Collection(event)` };
    // A page may run over its size rather than split a series (pull request 4501 above).
    let end = Math.min(offset + size, round.entries.length);
    while (end < round.entries.length && round.entries[end]!.series !== undefined && round.entries[end]!.series === round.entries[end - 1]!.series) end += 1;
    if (end < round.entries.length) {
      body['@odata.nextLink'] = `${link}?$skiptoken=${Buffer.from(`${round.id}:${end}`).toString('base64url')}`;
    } else {
      body['@odata.deltaLink'] = `${link}?$deltatoken=${round.deltaToken}`;
    }
    const when = (ms: number): DateTimeTimeZone =>
      view.timeZone ? { dateTime: graphLocal(ms + zoneOffsetMs(view.timeZone.iana, ms)), timeZone: view.timeZone.name } : { dateTime: graphLocal(ms), timeZone: 'UTC' };
    body.value = round.entries.slice(offset, end).map((entry) => {
      if ('removed' in entry) return { '@odata.type': '#microsoft.graph.event', id: entry.removed, '@removed': { reason: 'deleted' } };
      if ('event' in entry) return { '@odata.type': '#microsoft.graph.event', ...this.render(mailbox, entry.event, view) };
      const o = entry.occurrence;
      const master = mailbox.events.get(o.masterId);
      return {
        '@odata.type': '#microsoft.graph.event',
        '@odata.etag': `W/"${master?.changeKey ?? ''}"`,
        id: o.id,
        seriesMasterId: o.masterId,
        type: 'occurrence',
        start: when(o.startMs),
        end: when(o.endMs),
      };
    });
    const headers = preferenceApplied(view);
    if (r.prefer.has('odata.maxpagesize')) {
      headers['Preference-Applied'] = [headers['Preference-Applied'], `odata.maxpagesize=${size}`].filter(Boolean).join(', ');
    }
    return { status: 200, body, headers };
  }

  /** Docs: 410 with a Location that starts the sync over, error code syncStateNotFound. */
  private syncStateGone(state: { path: string; window: DeltaWindow } | undefined): GraphError {
    const headers: Record<string, string> = {};
    if (state) {
      const { startRaw, endRaw } = state.window;
      headers.Location = `${this.url}${state.path}?startDateTime=${encodeURIComponent(startRaw)}&endDateTime=${encodeURIComponent(endRaw)}`;
    }
    return new GraphError(410, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.', headers);
  }

  /**
   * An occurrence's id works wherever an event's does. Reading one gives the occurrence; changing
   * or deleting it changes or deletes that occurrence only, as with occurrenceId on the event page.
   */
  private eventFromPath(r: GraphRequest): StoredEvent {
    const mailbox = r.mailbox!;
    const id = r.params.id ?? '';
    let event = mailbox.events.get(id);
    if (!event && r.method === 'GET') {
      const known = this.occurrenceIds.get(id);
      const master = known && mailbox.events.get(known.masterId);
      const instance = master && !master.deleted ? this.instances(mailbox, master).find((i) => 'occurrence' in i && i.occurrence.id === id) : undefined;
      if (instance) return this.instanceEvent(mailbox, instance);
    }
    event ??= this.exceptionFor(mailbox, id);
    if (!event || event.deleted) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return event;
  }

  private liveEvent(mailbox: Mailbox, id: string): StoredEvent {
    const event = mailbox.events.get(id) ?? this.exceptionFor(mailbox, id);
    if (!event || event.deleted) throw new Error(`fake Graph: no event ${id} in ${mailbox.address}`);
    return event;
  }

  // --- recurring series ---

  /**
   * An occurrence's id: stable for its series and original date, so a client that linked the
   * occurrence finds it again. The event page: occurrenceId "can identify any occurrence in a
   * recurring series, including an occurrence that has been modified or canceled", formatted
   * OID.{seriesMasterId-value}.{occurrence-start-date}
   * (https://learn.microsoft.com/graph/api/resources/event). The id of a changed occurrence (an
   * exception) is the occurrence's own.
   */
  private occurrenceId(master: StoredEvent, day: number): string {
    const id = `AAMkA${createHash('sha256').update(`${master.id}:${day}`).digest('base64url')}${master.id.slice(48, 100)}`;
    this.occurrenceIds.set(id, { masterId: master.id, day });
    return id;
  }

  /**
   * The series' occurrences and exceptions in order, within the window when one is given
   * (calendarView: "occurrences, exceptions, and single instances of events in a calendar view",
   * https://learn.microsoft.com/graph/api/user-list-calendarview). Occurrences keep the master's
   * wall-clock time in its time zone, so a 13.00 meeting stays at 13.00 across summer time
   * ("If not specified, the time zone of the event is used", recurrenceRange). Deleted occurrences
   * are simply not there.
   */
  private instances(mailbox: Mailbox, master: StoredEvent, window?: { startMs: number; endMs: number }): Instance[] {
    const recurrence = master.recurrence!;
    const zone = ianaZone(recurrence.range.recurrenceTimeZone ?? master.originalStartTimeZone) ?? 'UTC';
    const day = 86_400_000;
    const firstWall = master.startMs + zoneOffsetMs(zone, master.startMs);
    const timeOfDay = ((firstWall % day) + day) % day;
    const duration = master.endMs - master.startMs;
    // Days past the window's end cannot start inside it; without a window, two years is every test's series.
    const untilDay = Math.floor(((window?.endMs ?? Date.now() + 730 * day) + day) / day);
    const out: Instance[] = [];
    for (const d of recurrenceDays(recurrence, untilDay)) {
      if (master.deletedDays?.has(d)) continue;
      const id = this.occurrenceId(master, d);
      const exception = mailbox.events.get(id);
      let item: Instance;
      if (exception && !exception.deleted) {
        item = { exception };
      } else {
        const startMs = wallToUtc(d * day + timeOfDay, zone);
        item = { occurrence: { id, masterId: master.id, startMs, endMs: startMs + duration } };
      }
      const span = 'exception' in item ? item.exception : item.occurrence;
      if (!window || (span.startMs < window.endMs && span.endMs > window.startMs)) out.push(item);
    }
    return out;
  }

  /** The occurrence's date by the pattern (in the series' zone), as occurrenceId writes it. */
  private occurrenceDate(event: StoredEvent): string {
    const day = this.occurrenceIds.get(event.id)?.day;
    return day === undefined ? new Date(event.originalStartMs!).toISOString().slice(0, 10) : dateOf(day);
  }

  /** An occurrence made into an exception, the way changing one occurrence in Outlook does. */
  private exceptionFor(mailbox: Mailbox, id: string): StoredEvent | undefined {
    const known = this.occurrenceIds.get(id);
    const master = known && mailbox.events.get(known.masterId);
    if (!known || !master || master.deleted || master.deletedDays?.has(known.day)) return undefined;
    const instance = this.instances(mailbox, master).find((i) => 'occurrence' in i && i.occurrence.id === id);
    if (!instance || !('occurrence' in instance)) return undefined;
    const exception: StoredEvent = {
      ...structuredClone({ ...master, deletedDays: undefined }),
      id,
      type: 'exception',
      recurrence: null,
      seriesMasterId: master.id,
      originalStartMs: instance.occurrence.startMs,
      startMs: instance.occurrence.startMs,
      endMs: instance.occurrence.endMs,
      iCalUId: `${master.iCalUId.slice(0, 40)}${createHash('sha256').update(id).digest('hex').slice(0, 72).toUpperCase()}`,
      transactionId: null,
      createdFrom: null,
    };
    delete exception.deletedDays;
    mailbox.events.set(id, exception);
    return exception;
  }

  /** An instance as a whole event: an occurrence is the master's properties at the occurrence's time. */
  private instanceEvent(mailbox: Mailbox, instance: Instance): StoredEvent {
    if ('exception' in instance) return instance.exception;
    const master = mailbox.events.get(instance.occurrence.masterId)!;
    const { id, startMs, endMs } = instance.occurrence;
    return { ...master, id, type: 'exception', recurrence: null, seriesMasterId: master.id, originalStartMs: startMs, startMs, endMs, deletedDays: undefined, occurrence: true } as StoredEvent;
  }

  /**
   * What a delta round says about one stored event. "The returned events may include single
   * instances or occurrences and exceptions of a recurring series"
   * (https://learn.microsoft.com/graph/delta-query-events). A series comes whole: its master when the
   * master's own span (its first occurrence) is in the window, then each occurrence as the bare
   * stub Graph sends (@odata.type, @odata.etag, id, seriesMasterId, type, start, end; reported in
   * microsoftgraph/microsoft-graph-docs issues 7632 and 22197 on the event: delta page) and each
   * exception in full. Any change to a series is a change of its master, reported as the series
   * again, and a deleted occurrence gets no @removed of its own (microsoftgraph/microsoft-graph-docs
   * pull request 4501, "No indication is given for a deleted occurrence"; issue 5520, "Removal of
   * a recurring event instance causes only update notification on the SeriesMaster event"): a
   * client learns of it by its absence from the series. A deleted series is @removed with its
   * occurrences; a changed event outside the window is @removed, as the delta page says.
   */
  private deltaEntries(mailbox: Mailbox, event: StoredEvent, window: DeltaWindow, full: boolean): DeltaEntry[] {
    if (event.type === 'singleInstance') {
      if (event.deleted || !overlaps(event, window)) return full ? [] : [{ removed: event.id }];
      return [{ event: structuredClone(event) }];
    }
    const series = event.id;
    if (event.deleted) {
      if (full) return [];
      const gone = this.instances(mailbox, event, window).map((i) => ('exception' in i ? i.exception.id : i.occurrence.id));
      return [event.id, ...gone].map((removed) => ({ removed, series }));
    }
    const items: DeltaEntry[] = this.instances(mailbox, event, window).map((i) =>
      'exception' in i ? { event: structuredClone(i.exception), series } : { occurrence: { ...i.occurrence }, series },
    );
    if (overlaps(event, window)) items.unshift({ event: structuredClone({ ...event, deletedDays: undefined }), series });
    if (items.length === 0) return full ? [] : [{ removed: event.id, series }];
    return items;
  }

  private newEvent(
    mailbox: Mailbox,
    init: { subject: string; body: StoredEvent['body']; startMs: number; endMs: number; timeZone: string; endTimeZone?: string },
  ): StoredEvent {
    const now = graphInstant(Date.now());
    const event: StoredEvent = {
      // Exchange ids are long base64 with '-', '_' and '=' in them; clients must escape them in URLs
      id: `AAMkA${randomBytes(110).toString('base64').replaceAll('+', '-').replaceAll('/', '_')}`,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: randomBytes(16).toString('base64'),
      iCalUId: `040000008200E00074C5B7101A82E00800000000${randomBytes(36).toString('hex').toUpperCase()}`,
      subject: init.subject,
      body: init.body,
      startMs: init.startMs,
      endMs: init.endMs,
      originalStartTimeZone: init.timeZone,
      originalEndTimeZone: init.endTimeZone ?? init.timeZone,
      location: emptyLocation(),
      locations: [],
      attendees: [],
      categories: [],
      isOnlineMeeting: false,
      onlineMeeting: null,
      isCancelled: false,
      isOrganizer: true,
      transactionId: null,
      createdFrom: null,
      extra: {},
      deleted: false,
      changeSeq: ++this.changeSeq,
      type: 'singleInstance',
      recurrence: null,
      seriesMasterId: null,
      originalStartMs: null,
    };
    mailbox.events.set(event.id, event);
    return event;
  }

  private applyEventProperties(mailbox: Mailbox, event: StoredEvent, input: Record<string, unknown>): void {
    if (input.location !== undefined || input.locations !== undefined) setLocation(event, input.location, input.locations);
    if (input.attendees !== undefined) event.attendees = parseAttendees(input.attendees);
    if (input.categories !== undefined) {
      if (!Array.isArray(input.categories) || !input.categories.every((c) => typeof c === 'string')) {
        throw new GraphError(400, 'ErrorInvalidRequest', 'categories must be an array of strings.');
      }
      event.categories = [...input.categories];
    }
    for (const name of SIMPLE_PROPERTIES) if (input[name] !== undefined) event.extra[name] = input[name];
  }

  /**
   * https://learn.microsoft.com/graph/outlook-calendar-online-meetings: an event is made online
   * with one of the providers its calendar's allowedOnlineMeetingProviders lists (the calendar's
   * defaultOnlineMeetingProvider when none is named). With a provider the calendar does not
   * offer (a shared or unlicensed mailbox offers none) the event is saved all the same, without a
   * join link and with no error: that is what a client has to look for.
   */
  private askOnline(mailbox: Mailbox, event: StoredEvent, provider: unknown): void {
    const wanted = typeof provider === 'string' ? provider : (mailbox.allowedProviders[0] ?? 'unknown');
    if (mailbox.allowedProviders.includes(wanted)) this.makeOnline(mailbox, event);
  }

  /** Exchange writes the Teams join block into the event's body, after what the organizer wrote. */
  private makeOnline(mailbox: Mailbox, event: StoredEvent): void {
    event.isOnlineMeeting = true;
    if (event.onlineMeeting) return;
    const thread = `19%3ameeting_${randomBytes(36).toString('base64url')}%40thread.v2`;
    const context = encodeURIComponent(JSON.stringify({ Tid: this.tenantId, Oid: mailbox.id })).toLowerCase();
    event.onlineMeeting = {
      joinUrl: `https://teams.microsoft.com/l/meetup-join/${thread}/0?context=${context}`,
      conferenceId: String(100_000_000 + (randomBytes(4).readUInt32BE() % 900_000_000)),
    };
    event.body = withJoinBlock(event.body, event.onlineMeeting.joinUrl);
  }

  private mail(mailbox: Mailbox, event: StoredEvent, kind: FakeMail['kind'], to: readonly FakeAttendee[]): void {
    if (to.length === 0) return;
    mailbox.mails.push({ eventId: event.id, kind, to: to.map((a) => a.emailAddress.address), subject: event.subject, body: renderBody(event, false).content, at: Date.now() });
  }

  /**
   * https://learn.microsoft.com/graph/api/event-update ("attendees property and meeting updates"):
   * an update whose body holds only attendees sends a meeting update to only the attendees that
   * changed (an invitation to those added, a cancellation to those removed); any other update by
   * the organizer goes to every attendee, whatever it changed.
   */
  private mailUpdate(mailbox: Mailbox, event: StoredEvent, input: Record<string, unknown>, before: readonly FakeAttendee[]): void {
    if (!event.isOrganizer) return;
    const key = (a: FakeAttendee) => a.emailAddress.address.toLowerCase();
    const had = new Set(before.map(key));
    const has = new Set(event.attendees.map(key));
    this.mail(mailbox, event, 'cancellation', before.filter((a) => !has.has(key(a))));
    const names = Object.keys(input).filter((n) => !n.startsWith('@') && !n.includes('@odata.'));
    if (names.length === 1 && names[0] === 'attendees') this.mail(mailbox, event, 'invitation', event.attendees.filter((a) => !had.has(key(a))));
    else if (names.length > 0) this.mail(mailbox, event, 'update', event.attendees);
  }

  private touch(event: StoredEvent): void {
    event.lastModifiedDateTime = graphInstant(Date.now());
    event.changeKey = randomBytes(16).toString('base64');
    event.changeSeq = ++this.changeSeq;
    // An exception is kept inside its master in Exchange: changing one changes the series.
    const master = event.seriesMasterId ? this.masterOf(event) : undefined;
    if (master) this.touch(master);
  }

  /** Deleting an occurrence (or the organizer cancelling it) takes it out of the series; the rest stays. */
  private remove(event: StoredEvent): void {
    event.deleted = true;
    const master = event.seriesMasterId ? this.masterOf(event) : undefined;
    if (master && event.originalStartMs !== null) master.deletedDays?.add(this.occurrenceIds.get(event.id)?.day ?? Math.floor(event.originalStartMs / 86_400_000));
    this.touch(event);
  }

  private masterOf(event: StoredEvent): StoredEvent | undefined {
    for (const box of this.mailboxes.values()) {
      const master = box.events.get(event.seriesMasterId!);
      if (master) return master;
    }
    return undefined;
  }

  private view(r: GraphRequest): View {
    const zoneName = r.prefer.get('outlook.timezone');
    let timeZone: View['timeZone'];
    if (zoneName !== undefined) {
      const iana = ianaZone(zoneName);
      if (!iana) throw unsupportedZone(zoneName);
      timeZone = { name: zoneName, iana };
    }
    return { timeZone, bodyAsText: r.prefer.get('outlook.body-content-type')?.toLowerCase() === 'text' };
  }

  private entity(r: GraphRequest, status: number, event: StoredEvent): Reply {
    const view = this.view(r);
    const body = {
      '@odata.context': `${this.graphBaseUrl}/$metadata#users('${r.params.mailbox}')/events/$entity`,
      ...this.render(r.mailbox!, event, view),
    };
    return { status, body, headers: preferenceApplied(view) };
  }

  private render(mailbox: Mailbox, e: StoredEvent, view: View): FakeEvent {
    const full = this.renderFull(mailbox, e, view);
    for (const property of e.omitted ?? []) delete (full as unknown as Record<string, unknown>)[property];
    return full;
  }

  private renderFull(mailbox: Mailbox, e: StoredEvent, view: View): FakeEvent {
    const body = renderBody(e, view.bodyAsText);
    const when = (ms: number): DateTimeTimeZone =>
      view.timeZone
        ? { dateTime: graphLocal(ms + zoneOffsetMs(view.timeZone.iana, ms)), timeZone: view.timeZone.name }
        : { dateTime: graphLocal(ms), timeZone: 'UTC' };
    return {
      '@odata.etag': `W/"${e.changeKey}"`,
      id: e.id,
      createdDateTime: e.createdDateTime,
      lastModifiedDateTime: e.lastModifiedDateTime,
      changeKey: e.changeKey,
      categories: [...e.categories],
      transactionId: e.transactionId,
      originalStartTimeZone: e.originalStartTimeZone,
      originalEndTimeZone: e.originalEndTimeZone,
      iCalUId: e.iCalUId,
      reminderMinutesBeforeStart: 15,
      isReminderOn: true,
      hasAttachments: false,
      subject: e.subject,
      bodyPreview: textOf(renderBody(e, false).content).replace(/\s+/g, ' ').trim().slice(0, 255),
      importance: 'normal',
      sensitivity: 'normal',
      isAllDay: false,
      isCancelled: e.isCancelled,
      isOrganizer: e.isOrganizer,
      responseRequested: true,
      seriesMasterId: e.seriesMasterId,
      showAs: 'busy',
      type: (e as { occurrence?: boolean }).occurrence ? 'occurrence' : e.type,
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(e.id)}&exvsurl=1&path=/calendar/item`,
      onlineMeetingUrl: null,
      isOnlineMeeting: e.isOnlineMeeting,
      onlineMeetingProvider: e.isOnlineMeeting ? 'teamsForBusiness' : 'unknown',
      allowNewTimeProposals: true,
      occurrenceId: e.seriesMasterId && e.originalStartMs !== null ? `OID.${e.seriesMasterId}.${this.occurrenceDate(e)}` : null,
      ...(e.originalStartMs !== null ? { originalStart: graphInstant(e.originalStartMs).replace(/\.\d+Z$/, 'Z') } : {}),
      isDraft: false,
      hideAttendees: false,
      ...structuredClone(e.extra),
      responseStatus: { response: e.isOrganizer ? 'organizer' : 'none', time: NEVER },
      body,
      start: when(e.startMs),
      end: when(e.endMs),
      location: structuredClone(e.location),
      locations: structuredClone(e.locations),
      recurrence: e.recurrence ? structuredClone(e.recurrence) : null,
      attendees: structuredClone(e.attendees),
      organizer: { emailAddress: { name: mailbox.displayName, address: mailbox.address } },
      onlineMeeting: e.onlineMeeting ? { ...e.onlineMeeting } : null,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// SharePoint helpers

function isUploadUrl(url: URL): boolean {
  return /^\/_api\/v2\.0\/drives\/[^/]+\/items\/[^/]+\/uploadSession$/i.test(url.pathname);
}

function isDownloadUrl(url: URL): boolean {
  return url.pathname.toLowerCase() === '/_layouts/15/download.aspx';
}

function decodedSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => safeDecode(s).normalize('NFC'));
}

/** A path captured by a route: its segments were decoded once already, and must not be again ("100%25" is a name). */
function routeSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.normalize('NFC'));
}

function encodeSegments(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/** URLs compared decoded, NFC, lower-case, without query and trailing slash. */
function comparableUrl(url: string): string {
  const parsed = new URL(url);
  return `https://${parsed.host.toLowerCase()}/${decodedSegments(parsed.pathname).join('/')}`.normalize('NFC').toLowerCase().replace(/(?<!\/)\/+$/, '');
}

function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function itemPath(item: SpItem): string[] {
  const names: string[] = [];
  for (let at: SpItem | null = item; at && at.parent; at = at.parent) names.unshift(at.name);
  return names;
}

function folderSize(item: SpItem): number {
  let size = 0;
  for (const child of item.children.values()) size += child.folder ? folderSize(child) : child.versions.at(-1)!.content.length;
  return size;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** SharePoint drive item ids: "01" and 32 base32 characters. */
function itemId(): string {
  return `01${[...randomBytes(32)].map((b) => BASE32[b % 32]).join('')}`;
}

function extensionOf(name: string): string {
  return /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
}

function mediaTypeOf(name: string): string {
  return (
    {
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      doc: 'application/msword',
      pdf: 'application/pdf',
      md: 'text/markdown',
      txt: 'text/plain',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      png: 'image/png',
      zip: 'application/x-zip-compressed',
    }[extensionOf(name)] ?? 'application/octet-stream'
  );
}

function conflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null) return fallback;
  const behavior = String(value).toLowerCase();
  if (behavior === 'fail' || behavior === 'replace' || behavior === 'rename') return behavior;
  throw new GraphError(400, 'invalidRequest', `Invalid value '${String(value)}' for @microsoft.graph.conflictBehavior.`);
}

const RESERVED_FILE_NAMES = new Set(['.lock', 'con', 'prn', 'aux', 'nul', 'desktop.ini', ...Array.from({ length: 10 }, (_, i) => [`com${i}`, `lpt${i}`]).flat()]);

/** What SharePoint Online refuses in file and folder names (400 invalidRequest, as the service answers). */
function checkName(name: string): void {
  const refuse = (why: string) => new GraphError(400, 'invalidRequest', `The provided name '${name}' is not valid: ${why}.`);
  if (name.length === 0) throw refuse('the name is empty');
  if (/["*:<>?/\\|\u0000-\u001f]/.test(name)) throw refuse('it contains an illegal character');
  if (/^\s|\s$/.test(name)) throw refuse('it begins or ends with a space');
  if (/^\.|\.$/.test(name)) throw refuse('it begins or ends with a period');
  if (name.startsWith('~$')) throw refuse('it begins with ~$');
  if (/_vti_/i.test(name)) throw refuse('it contains _vti_');
  const lower = name.toLowerCase();
  if (RESERVED_FILE_NAMES.has(lower) || RESERVED_FILE_NAMES.has(lower.replace(/\.[^.]*$/, ''))) throw refuse('the name is reserved');
  if (name.length > 400) throw refuse('the name is too long');
}

/** SharePoint's "rename": "Protokoll.docx" becomes "Protokoll 1.docx", then "Protokoll 2.docx". */
function freeName(parent: SpItem, name: string): string {
  const match = /^(.*?)(\.[^.]*)?$/.exec(name)!;
  const stem = match[1] ?? name;
  const extension = match[2] ?? '';
  for (let n = 1; ; n++) {
    const candidate = `${stem} ${n}${extension}`;
    if (!parent.children.has(nameKey(candidate))) return candidate;
  }
}

function itemNotFound(): GraphError {
  return new GraphError(404, 'itemNotFound', 'The resource could not be found.');
}

function nameAlreadyExists(): GraphError {
  return new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
}

function insufficientStorage(): GraphError {
  return new GraphError(507, 'quotaLimitReached', 'Insufficient Space Available');
}

/** A one-page PDF naming the converted file: enough for a reader to open, and for a test to tell it from the source. */
function minimalPdf(source: string): Buffer {
  const text = `Converted from ${source}`.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, '\\$&');
  const stream = `BT /F1 12 Tf 72 770 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---------------------------------------------------------------------------------------------
// Event properties

const EVENT_PROPERTIES = new Set([
  'allowNewTimeProposals', 'attendees', 'body', 'bodyPreview', 'categories', 'changeKey', 'createdDateTime', 'end',
  'hasAttachments', 'hideAttendees', 'iCalUId', 'id', 'importance', 'isAllDay', 'isCancelled', 'isDraft', 'isOnlineMeeting',
  'isOrganizer', 'isReminderOn', 'lastModifiedDateTime', 'location', 'locations', 'onlineMeeting', 'onlineMeetingProvider',
  'onlineMeetingUrl', 'organizer', 'originalEndTimeZone', 'originalStart', 'originalStartTimeZone', 'recurrence',
  'reminderMinutesBeforeStart', 'responseRequested', 'responseStatus', 'sensitivity', 'seriesMasterId', 'showAs', 'start',
  'subject', 'transactionId', 'type', 'webLink', 'attachments', 'calendar', 'extensions', 'instances',
  'multiValueExtendedProperties', 'singleValueExtendedProperties',
]);

/** Writable properties the fake keeps and echoes without interpreting them. */
const SIMPLE_PROPERTIES = [
  'importance', 'sensitivity', 'showAs', 'isReminderOn', 'reminderMinutesBeforeStart', 'responseRequested', 'hideAttendees',
  'allowNewTimeProposals',
];

/** Graph rejects a body naming a property the event type does not have; so does the fake, to catch typos. */
function checkEventProperties(input: Record<string, unknown>): void {
  for (const name of Object.keys(input)) {
    if (name.startsWith('@') || name.includes('@odata.')) continue;
    if (!EVENT_PROPERTIES.has(name)) {
      throw new GraphError(400, 'RequestBodyRead', `The property '${name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
    }
  }
}

function requireObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  return value as Record<string, unknown>;
}

function parseBody(value: unknown): StoredEvent['body'] {
  if (value === undefined || value === null) return { contentType: 'html', content: '' };
  const body = requireObject(value);
  const type = typeof body.contentType === 'string' ? body.contentType.toLowerCase() : 'text';
  if (type !== 'text' && type !== 'html') throw new GraphError(400, 'ErrorInvalidRequest', `Invalid body contentType '${String(body.contentType)}'.`);
  return { contentType: type, content: typeof body.content === 'string' ? body.content : '' };
}

function parseAttendees(value: unknown): FakeAttendee[] {
  if (!Array.isArray(value)) throw new GraphError(400, 'ErrorInvalidRequest', 'attendees must be an array.');
  return value.map((item) => {
    const attendee = requireObject(item);
    const email = requireObject(attendee.emailAddress);
    if (typeof email.address !== 'string' || !email.address.includes('@')) {
      throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    const type = typeof attendee.type === 'string' ? attendee.type.toLowerCase() : 'required';
    if (type !== 'required' && type !== 'optional' && type !== 'resource') {
      throw new GraphError(400, 'ErrorInvalidRequest', `Invalid attendee type '${String(attendee.type)}'.`);
    }
    return {
      type,
      status: { response: 'none', time: NEVER },
      emailAddress: { name: typeof email.name === 'string' && email.name ? email.name : email.address, address: email.address },
    };
  });
}

function emptyLocation(): FakeLocation {
  return { displayName: '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} };
}

/** Exchange keeps location and locations in step: one is derived from the other when only one is given. */
function setLocation(event: StoredEvent, location: unknown, locations?: unknown): void {
  const named = (value: unknown): string => {
    const name = requireObject(value).displayName;
    return typeof name === 'string' ? name : '';
  };
  const list = locations === undefined || locations === null ? undefined : Array.isArray(locations) ? locations.map(named) : undefined;
  if (locations !== undefined && locations !== null && !list) throw new GraphError(400, 'ErrorInvalidRequest', 'locations must be an array.');
  const displayName = location !== undefined && location !== null ? named(location) : (list ?? []).join('; ');
  event.location = displayName
    ? { displayName, locationType: 'default', uniqueId: displayName, uniqueIdType: 'private' }
    : emptyLocation();
  event.locations = (list ?? (displayName ? [displayName] : [])).map((name) => ({ displayName: name, locationType: 'default', uniqueIdType: 'unknown' }));
}

const JOIN_RULE = '_'.repeat(80);

/**
 * The join block as https://learn.microsoft.com/graph/outlook-calendar-online-meetings shows it
 * in an event's body: a rule, the "Join Microsoft Teams Meeting" link, a conference id, a rule.
 */
function joinBlock(joinUrl: string): string {
  return [
    `<div style="width:100%; height:20px"><span style="white-space:nowrap; color:gray; opacity:.36">${JOIN_RULE}</span>\r\n</div>`,
    '<div class="me-email-text" style="color:#252424">',
    `<div style="margin-top:24px; margin-bottom:10px"><a class="me-email-headline" href="${escapeHtml(joinUrl)}" target="_blank" rel="noreferrer noopener">Join\r\n Microsoft Teams Meeting</a> </div>`,
    '</div>',
    `<div style="width:100%; height:20px"><span style="white-space:nowrap; color:gray; opacity:.36">${JOIN_RULE}</span>\r\n</div>`,
  ].join('\r\n');
}

/** The organizer's body as HTML with the join block after it, the way Exchange stores an online meeting's body. */
function withJoinBlock(body: StoredEvent['body'], joinUrl: string): StoredEvent['body'] {
  const inner = body.contentType === 'text' ? escapeHtml(body.content).replace(/\r?\n/g, '<br>') : body.content;
  const block = joinBlock(joinUrl);
  if (/<\/body>/i.test(inner)) return { contentType: 'html', content: inner.replace(/<\/body>/i, `${block}\r\n</body>`) };
  return { contentType: 'html', content: `${inner}\r\n${block}` };
}

/** Whether the join link is still in a body a client sent (as written, or HTML-escaped). */
function bodyHolds(body: StoredEvent['body'], joinUrl: string): boolean {
  return body.content.includes(joinUrl) || body.content.includes(escapeHtml(joinUrl));
}

/** Event bodies come back as HTML (a whole document) unless the client prefers text. */
function renderBody(e: StoredEvent, asText: boolean): FakeEvent['body'] {
  if (asText) return { contentType: 'text', content: e.body.contentType === 'text' ? e.body.content : textOf(e.body.content) };
  const inner = e.body.contentType === 'text' ? escapeHtml(e.body.content).replace(/\r?\n/g, '<br>\r\n') : e.body.content;
  if (!inner) return { contentType: 'html', content: '' };
  if (/<\/body>/i.test(inner)) return { contentType: 'html', content: inner };
  return {
    contentType: 'html',
    content: `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n${inner}\r\n</body>\r\n</html>\r\n`,
  };
}

function textOf(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^<>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function overlaps(event: StoredEvent, window: { startMs: number; endMs: number }): boolean {
  return event.startMs < window.endMs && event.endMs > window.startMs;
}

// ---------------------------------------------------------------------------------------------
// Time

/** Windows zone names Graph accepts, mapped to IANA. W. Europe covers Stockholm. */
const WINDOWS_ZONES: Record<string, string> = {
  utc: 'UTC',
  'w. europe standard time': 'Europe/Stockholm',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'romance standard time': 'Europe/Paris',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'fle standard time': 'Europe/Helsinki',
  'e. europe standard time': 'Europe/Chisinau',
  'russian standard time': 'Europe/Moscow',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'pacific standard time': 'America/Los_Angeles',
  'tokyo standard time': 'Asia/Tokyo',
};

function ianaZone(name: string): string | undefined {
  const candidate = WINDOWS_ZONES[name.toLowerCase()] ?? name;
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(candidate)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: candidate }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function unsupportedZone(name: string): GraphError {
  return new GraphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at this instant. */
function zoneOffsetMs(zone: string, utcMs: number): number {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time in a zone stands for. Across a DST change the answer is
 * deterministic: a time that repeats (autumn) means its first occurrence, in summer time; a time
 * that does not exist (spring) moves forward by the gap, as a clock set before the change would
 * show it (02:30 on the spring-forward day in Stockholm is 03:30 CEST).
 */
function wallToUtc(wallMs: number, zone: string): number {
  const day = 24 * 60 * 60 * 1000;
  const before = zoneOffsetMs(zone, wallMs - day);
  const after = zoneOffsetMs(zone, wallMs + day);
  const valid = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((utc) => zoneOffsetMs(zone, utc) === wallMs - utc)
    .sort((a, b) => a - b);
  return valid[0] ?? wallMs - before;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Wall-clock milliseconds (as if UTC) and the explicit offset, if any. */
function parseWall(text: string): { wallMs: number; offsetMs?: number } | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  const check = new Date(wallMs);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  if (!zone) return { wallMs };
  if (zone === 'Z') return { wallMs, offsetMs: 0 };
  const sign = zone.startsWith('-') ? -1 : 1;
  return { wallMs, offsetMs: sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000 };
}

/**
 * A dateTimeTimeZone from a request: local wall time in the named zone. An explicit offset in
 * dateTime wins over the zone (the zone is still recorded as the original time zone).
 */
function parseDateTimeTimeZone(value: unknown, name: string): { ms: number; timeZone: string } {
  const input = requireObject(value);
  const zoneName = typeof input.timeZone === 'string' ? input.timeZone : '';
  const zone = ianaZone(zoneName);
  if (!zone) throw unsupportedZone(zoneName);
  const wall = typeof input.dateTime === 'string' ? parseWall(input.dateTime) : undefined;
  if (!wall) throw new GraphError(400, 'ErrorInvalidRequest', `The ${name} dateTime '${String(input.dateTime)}' is not a valid date and time.`);
  const ms = wall.offsetMs !== undefined ? wall.wallMs - wall.offsetMs : wallToUtc(wall.wallMs, zone);
  return { ms, timeZone: zoneName };
}

/** calendarView bounds: an offset in the value counts; without one the value is UTC. */
function parseWindow(url: URL): DeltaWindow {
  const startRaw = queryParam(url, 'startDateTime');
  const endRaw = queryParam(url, 'endDateTime');
  if (!startRaw || !endRaw) {
    throw new GraphError(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
  }
  const instant = (raw: string, param: string): number => {
    const wall = parseWall(raw);
    if (!wall) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${raw}' of parameter '${param}' is invalid.`);
    return wall.wallMs - (wall.offsetMs ?? 0);
  };
  return { startMs: instant(startRaw, 'StartDateTime'), endMs: instant(endRaw, 'EndDateTime'), startRaw, endRaw };
}

/** For the test-side helpers, which take UTC ISO strings. */
function utcInstant(iso: string): number {
  const wall = parseWall(iso);
  if (!wall) throw new Error(`fake Graph: not an ISO date-time: ${iso}`);
  return wall.wallMs - (wall.offsetMs ?? 0);
}

/** 2026-11-30T09:00:00.0000000, the way Graph writes dateTimeTimeZone values. */
function graphLocal(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000`;
}

/** 2026-11-30T09:00:00.1230000Z, the way Graph writes createdDateTime and the like. */
function graphInstant(ms: number): string {
  return `${graphLocal(ms)}Z`;
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Keep reading past the limit (and drop it) so the client gets the 413, not a reset.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: size <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), tooLarge: size > limit }));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.binary !== undefined) {
    if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/octet-stream');
    res.end(reply.binary);
  } else if (reply.raw !== undefined) {
    res.setHeader('Content-Type', JSON_TYPE);
    res.end(reply.raw);
  } else if (reply.body !== undefined) {
    res.setHeader('Content-Type', JSON_TYPE);
    res.end(JSON.stringify(reply.body));
  } else {
    res.end();
  }
}

function isErrorBody(body: unknown): body is { error: Record<string, unknown> } {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object';
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query options are case-insensitive, and the $ of system options is optional in Graph. */
function queryParam(url: URL, name: string): string | undefined {
  const wanted = name.replace(/^\$/, '').toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.replace(/^\$/, '').toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** delta, delta(), microsoft.graph.delta and microsoft.graph.delta() all name the same function. */
function takeFault<T extends Fault>(faults: T[], path: string): T | undefined {
  const fault = faults.find((f) => f.remaining > 0 && (f.pathIncludes === undefined || path.includes(f.pathIncludes)));
  if (fault?.skip) {
    fault.skip -= 1;
    return undefined;
  }
  if (fault) fault.remaining -= 1;
  return fault;
}

function matchPattern(pattern: Route['pattern'], segments: string[]): Record<string, string> | undefined {
  if (pattern instanceof RegExp) {
    const m = pattern.exec(segments.join('/'));
    return m ? { ...m.groups } : undefined;
  }
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  const ok = pattern.every((part, i) => {
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      params[part.slice(1)] = segment;
      return segment.length > 0;
    }
    return operationName(segment) === part.toLowerCase();
  });
  return ok ? params : undefined;
}

function operationName(segment: string): string {
  return segment.replace(/^microsoft\.graph\./i, '').replace(/\(\)$/, '').toLowerCase();
}

/** Prefer may come as several headers or one comma-separated header; values may be quoted. */
function parsePrefer(header: string | string[] | undefined): Map<string, string> {
  const prefs = new Map<string, string>();
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of text.match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const [name, ...rest] = part.split('=');
    if (!name?.trim()) continue;
    prefs.set(name.trim().toLowerCase(), rest.join('=').trim().replace(/^"(.*)"$/, '$1'));
  }
  return prefs;
}

function preferenceApplied(view: View): Record<string, string> {
  const applied: string[] = [];
  if (view.timeZone) applied.push(`outlook.timezone="${view.timeZone.name}"`);
  if (view.bodyAsText) applied.push('outlook.body-content-type="text"');
  return applied.length ? { 'Preference-Applied': applied.join(', ') } : {};
}

