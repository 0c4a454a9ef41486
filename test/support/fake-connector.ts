import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  /** send = new activity or reply, update = PUT of an existing activity, createConversation, members, … */
  kind: 'send' | 'update' | 'delete' | 'createConversation' | 'members' | 'member' | 'other';
  conversationId?: string;
  activityId?: string;
  body: any;
  at: number;
}

/** A send or update as it reached the connector, answered or not. */
export interface ConnectorRequest {
  kind: 'send' | 'update';
  conversationId: string;
  /** Which message: an update's activity id, or a new message's content, so a resend has the same. */
  message: string;
  at: number;
  /** The status answered; 0 while unanswered (held). */
  status: number;
  /** Seconds, on a 429 that said when to come back. */
  retryAfterS?: number;
}

interface UploadSession {
  id: string;
  userId: string;
  name: string;
  uniqueId: string;
  contentUrl: string;
  received: Buffer[];
  size: number | undefined;
  item: any;
}

export interface RosterMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

/**
 * Teams' per bot per thread limits: 7 requests in a second, 8 in 2 seconds, 60 in 30 seconds,
 * 1,800 in an hour, beyond which the connector answers 429 Too Many Requests.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit#per-bot-per-thread-limit
 */
export const TEAMS_THREAD_LIMITS: readonly { limit: number; ms: number }[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/**
 * The bot message size limit: 100 KB, counted with the text, attachments and @-mentions encoded
 * as UTF-16; over it the connector answers 413 RequestEntityTooLarge with MessageSizeTooBig.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/format-your-bot-messages
 */
export const TEAMS_MESSAGE_LIMIT_BYTES = 100 * 1024;

/** How big Teams counts a message: its text, attachments and entities, as UTF-16 (two bytes a code unit). */
export function messageBytes(body: any): number {
  return 2 * JSON.stringify({ text: body?.text, attachments: body?.attachments, entities: body?.entities }).length;
}

/**
 * A stand-in for the Bot Connector service: records every call the bot makes and answers the
 * way the connector does in a real tenant, by default: ids for sent activities, paged members,
 * 403 on a 1:1 chat with someone who has not installed the app, 413 over the size limit, 429
 * past a thread's limits, and whatever a test asks for on top (refusals, throttling, holds).
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private rosters = new Map<string, RosterMember[]>();
  private throttleNext = 0;
  private throttleEvery = 0;
  private shareRetryAfterS = 1;
  /** Teams gives the bot one 1:1 chat per person: creating it again answers the same id. */
  private personalChats = new Map<string, string>();
  private throttleCount = 0;
  /** 429s answered so far. */
  throttled = 0;
  private throttleUntil = 0;
  private waiters: { predicate: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];
  pageSize = 2;
  /**
   * Who has the app personally (user ids, or Entra object ids). Teams opens a 1:1 chat with the
   * bot only for them; for anyone else createConversation gets 403, as in a tenant where the app
   * is not installed for everyone: "For a user to receive proactive messages, install the app for
   * the user or make the user a part of a team in which the app is installed."
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
   * A test fills it through installFor() (TeamsClient.installPersonal does, as Teams would).
   */
  private readonly installedFor = new Set<string>();
  /** Per-thread limits enforced; a test of something else may lift them (null), none does by default. */
  threadLimits: readonly { limit: number; ms: number }[] | null = TEAMS_THREAD_LIMITS;
  private threadLog = new Map<string, number[]>();
  /** 413s answered so far. */
  tooLarge = 0;
  /** Answers only once recorded, so a waiting test sees the call before the bot gets its answer. */
  latencyMs = 0;
  private refusals: { status: number; matches: (c: ConnectorCall) => boolean; left: number; code?: string }[] = [];
  /** Sends and updates answered with an error status by refuse(), not counted as sent. */
  readonly refused: (ConnectorCall & { status: number })[] = [];
  private gone = new Map<string, 'removed' | 'deleted'>();
  private holds: { matches: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void; release?: Promise<unknown> }[] = [];
  private storms: { retryAfterS: number; matches: (c: ConnectorCall) => boolean; left: number }[] = [];
  /** Every send and update request, in the order they arrived, whatever the answer: when each came, and to which conversation. */
  readonly requests: ConnectorRequest[] = [];
  /** OneDrive upload sessions Teams opened for a file consent the person accepted, by session id. */
  private readonly uploadSessions = new Map<string, UploadSession>();
  /** Files a person attached in their 1:1 chat, served at pre-authorised download URLs as Teams' OneDrive does. */
  private readonly attachedFiles = new Map<string, { content: Buffer; status: number }>();
  /** Downloads of attached files, in order: how the bot fetched them. */
  readonly fileDownloads: { token: string; authorization?: string }[] = [];

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake connector not started');
    return `http://127.0.0.1:${address.port}/`;
  }

  /** `host` other than the loopback: to see what a bot sends to an address that is not local. */
  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return this;
  }

  /** Its URL through another of the machine's addresses (when started on it or on 0.0.0.0). */
  urlOn(address: string): string {
    const { port } = this.server?.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  setRoster(conversationId: string, members: RosterMember[]): void {
    this.rosters.set(conversationId, members);
  }

  /** The next n send/update calls get 429 with Retry-After. */
  throttle(n: number): void {
    this.throttleNext = n;
  }

  /**
   * Every n-th send/update gets 429 (0: none), however many are sent: a share of the traffic,
   * unlike throttle(n), which at a low rate would refuse every call that is left.
   */
  throttleShare(every: number, retryAfterS = 1): void {
    this.throttleEvery = every;
    this.shareRetryAfterS = retryAfterS;
    this.throttleCount = 0;
  }

  /** Every send/update gets 429 (Retry-After: 1) for the next `ms`. */
  throttleFor(ms: number): void {
    this.throttleUntil = Date.now() + ms;
  }

  /**
   * Sends and updates that match get `status` (403: not allowed; 404: the message is gone; 5xx:
   * the service failed), with `code` in the error body, `times` times or until cleared. The bot's proactive
   * sends see each refusal (one request per call); a reply inside a turn is tried once more.
   */
  refuse(status: number, matches: (c: ConnectorCall) => boolean, times = Number.POSITIVE_INFINITY, code?: string): void {
    this.refusals.push({ status, matches, left: times, code });
  }

  /**
   * Teams throttling a thread: the next `times` sends and updates that match get 429 with
   * `Retry-After: retryAfterS`, as Teams answers a bot that goes past a thread's limits.
   */
  storm(matches: (c: ConnectorCall) => boolean, retryAfterS: number, times: number): void {
    this.storms.push({ retryAfterS, matches, left: times });
  }

  /**
   * Every resend of a message Teams answered with 429 (the same update, by activity id, or the same
   * new message, by content, to the same conversation), with how long after the 429 it came.
   */
  resendsAfter429(): (ConnectorRequest & { afterMs: number; retryAfterS: number })[] {
    const refusedAt = new Map<string, { at: number; retryAfterS: number }>();
    const found: (ConnectorRequest & { afterMs: number; retryAfterS: number })[] = [];
    for (const r of this.requests) {
      const previous = refusedAt.get(r.message);
      if (previous) found.push({ ...r, afterMs: r.at - previous.at, retryAfterS: previous.retryAfterS });
      if (r.status === 429 && r.retryAfterS !== undefined) refusedAt.set(r.message, { at: r.at, retryAfterS: r.retryAfterS });
      else refusedAt.delete(r.message);
    }
    return found;
  }

  /** Resends that came sooner than the Retry-After of the 429 before them. */
  resendsTooSoon(): (ConnectorRequest & { afterMs: number; retryAfterS: number })[] {
    return this.resendsAfter429().filter((r) => r.afterMs < r.retryAfterS * 1000);
  }

  /**
   * The app removed from the conversation (or the conversation deleted): from now on every send and
   * update to it gets what the connector answers then, 403 BotNotInConversationRoster (404
   * ConversationNotFound for a deleted one), until reinstall().
   */
  uninstall(conversationId: string, how: 'removed' | 'deleted' = 'removed'): void {
    this.gone.set(conversationId, how);
  }

  reinstall(conversationId: string): void {
    this.gone.delete(conversationId);
  }

  /** The app installed personally for these people (by user id or Entra object id): the bot may open a 1:1 chat with them. */
  installFor(...people: (string | { id: string; aadObjectId?: string })[]): void {
    for (const p of people) {
      if (typeof p === 'string') this.installedFor.add(p);
      else {
        this.installedFor.add(p.id);
        if (p.aadObjectId) this.installedFor.add(p.aadObjectId);
      }
    }
  }

  /**
   * The person removed the app: the bot's 1:1 chat with them answers 403 from now on, and a new
   * one is refused. "If the user uninstalls the app, the bot receives a 403 Forbidden when it posts."
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#uninstall-behavior-for-personal-app-with-bot
   */
  uninstallFor(person: { id: string; aadObjectId?: string }): void {
    this.installedFor.delete(person.id);
    if (person.aadObjectId) this.installedFor.delete(person.aadObjectId);
    const chat = this.personalChats.get(person.id);
    if (chat) this.gone.set(chat, 'removed');
  }

  isInstalledFor(person: { id: string; aadObjectId?: string }): boolean {
    return this.installedFor.has(person.id) || (person.aadObjectId !== undefined && this.installedFor.has(person.aadObjectId));
  }

  /** The 1:1 chat Teams keeps for the bot and this person: the same id whoever opens it first. */
  personalChatId(userId: string): string {
    const known = this.personalChats.get(userId);
    if (known) return known;
    const id = `a:${randomUUID()}`;
    this.personalChats.set(userId, id);
    return id;
  }

  clearRefusals(): void {
    this.refusals = [];
  }

  /**
   * The next send or update that matches is never answered (nor counted as sent): the bot hangs
   * on it, as on a connector that stalls. Resolves when it arrives, so a test can kill the bot then.
   */
  hold(matches: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    return new Promise((resolve) => this.holds.push({ matches, resolve }));
  }

  /**
   * Like hold(), but the call is answered (and recorded) as usual once `release` settles: a
   * connector that takes its time. Resolves when the call arrives.
   */
  holdUntil(matches: (c: ConnectorCall) => boolean, release: Promise<unknown>): Promise<ConnectorCall> {
    return new Promise((resolve) => this.holds.push({ matches, resolve, release }));
  }

  reset(): void {
    this.calls.length = 0;
    this.requests.length = 0;
  }

  /**
   * Sends to one conversation id, as the bot addressed them: a reply in a channel's thread goes
   * to `<channel>;messageid=<root>`, a send to the bare channel id is a new post (a thread of its own).
   */
  sent(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'send' && (!conversationId || c.conversationId === conversationId));
  }

  updates(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'update' && (!conversationId || c.conversationId === conversationId));
  }

  waitFor(predicate: (c: ConnectorCall) => boolean, timeoutMs = 5000): Promise<ConnectorCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error('timed out waiting for a connector call'));
        }
      }, timeoutMs).unref();
    });
  }

  /**
   * A file the person attaches in the 1:1 chat: Teams puts it in their OneDrive and gives the bot
   * a short-lived download URL that takes a plain GET. `status` other than 200 makes the download fail.
   */
  attachFile(content: Buffer, status = 200): string {
    const token = randomUUID();
    this.attachedFiles.set(token, { content, status });
    return new URL(`attached-files/${token}?download=1`, this.url).toString();
  }

  private attachedFile(req: IncomingMessage, res: ServerResponse): void {
    const token = new URL(req.url ?? '/', 'http://x').pathname.split('/')[2] ?? '';
    this.fileDownloads.push({ token, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const file = this.attachedFiles.get(token);
    if (!file || file.status !== 200) {
      res.writeHead(file?.status ?? 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'itemNotFound', message: 'The download URL is not valid.' } }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Content-Length': file.content.length });
    res.end(file.content);
  }

  private record(call: ConnectorCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.predicate(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if ((req.url ?? '').startsWith('/upload-sessions/')) return this.uploadFragment(req, res, Buffer.concat(chunks));
    if ((req.url ?? '').startsWith('/attached-files/')) return this.attachedFile(req, res);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.reply(res, 400, { error: { code: 'BadSyntax', message: 'invalid JSON' } });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    // A service URL may have a path of its own (the Playground's is …/_connector).
    const path = decodeURIComponent(url.pathname).replace(/^\/.*?(?=\/v3\/)/, '');
    const method = req.method ?? 'GET';
    const m = path.match(/^\/v3\/conversations\/([^/]+)(?:\/(activities|pagedmembers|members)(?:\/([^/]+))?)?\/?$/);
    const conversationId = m?.[1];
    const sub = m?.[2];
    const id = m?.[3];
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    if (method === 'POST' && path.replace(/\/$/, '') === '/v3/conversations') {
      const members: { id: string; aadObjectId?: string }[] = body?.members ?? [];
      const personal = body?.isGroup !== true && members.length === 1 ? members[0]! : undefined;
      const newId = personal ? this.personalChatId(personal.id) : `a:${randomUUID()}`;
      this.record({ method, path, kind: 'createConversation', conversationId: newId, body, at: Date.now() });
      if (personal && !this.isInstalledFor({ id: personal.id, aadObjectId: this.aadOf(personal.id) })) {
        // The connector's answer to a bot outside the person's roster: the app is not installed for them.
        // https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-messages#status-codes-from-bot-conversational-apis
        return this.reply(res, 403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
      }
      // Opening the chat counts against the person's thread like a send.
      const wait = personal ? this.overThreadLimit(`create:${personal.id}`, Date.now()) : undefined;
      if (wait !== undefined) return this.throttledByLimit(res, wait);
      return this.reply(res, 201, { id: newId, activityId: randomUUID() });
    }
    if (!conversationId) return this.reply(res, 404, { error: { code: 'NotFound', message: path } });

    if (sub === 'activities' && (method === 'POST' || method === 'PUT')) {
      const kind = method === 'PUT' ? 'update' : 'send';
      const message = `${conversationId}/${method === 'PUT' ? id : JSON.stringify({ text: body?.text, attachments: body?.attachments })}`;
      const request: ConnectorRequest = { kind, conversationId, message, at: arrived, status: 0 };
      this.requests.push(request);
      const attempted: ConnectorCall = { method, path, kind, conversationId, activityId: method === 'PUT' ? id : undefined, body, at: Date.now() };
      const shared = this.throttleEvery > 0 && ++this.throttleCount % this.throttleEvery === 0;
      const storm = this.storms.find((r) => r.left > 0 && r.matches(attempted));
      if (shared || this.throttleNext > 0 || Date.now() < this.throttleUntil || storm) {
        if (storm) storm.left -= 1;
        else if (!shared && this.throttleNext > 0) this.throttleNext--;
        this.throttled += 1;
        request.status = 429;
        request.retryAfterS = storm?.retryAfterS ?? (shared ? this.shareRetryAfterS : 1);
        res.setHeader('Retry-After', String(request.retryAfterS));
        return this.reply(res, 429, { error: { code: 'Throttled', message: 'Too many requests' } });
      }
      const held = this.holds.find((h) => h.matches(attempted));
      if (held) {
        this.holds.splice(this.holds.indexOf(held), 1);
        held.resolve(attempted);
        if (!held.release) return;
        await held.release.catch(() => undefined);
      }
      const refusal = this.refusals.find((r) => r.left > 0 && r.matches(attempted));
      if (refusal) {
        refusal.left -= 1;
        request.status = refusal.status;
        this.refused.push({ ...attempted, status: refusal.status });
        // A bare 403 is a refusal of this request (uninstall() is the bot gone from the chat).
        const code = refusal.code ?? (refusal.status === 403 ? 'Forbidden' : `HTTP${refusal.status}`);
        return this.reply(res, refusal.status, { error: { code, message: 'refused by the test' } });
      }
      const gone = this.gone.get(conversationId);
      if (gone) {
        request.status = gone === 'removed' ? 403 : 404;
        this.refused.push({ ...attempted, status: request.status });
        return this.reply(
          res,
          request.status,
          gone === 'removed'
            ? { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }
            : { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } },
        );
      }
      if (messageBytes(body) > TEAMS_MESSAGE_LIMIT_BYTES) {
        request.status = 413;
        this.tooLarge += 1;
        this.refused.push({ ...attempted, status: 413 });
        return this.reply(res, 413, { error: { code: 'MessageSizeTooBig', message: 'Message size too big.' } });
      }
      const wait = this.overThreadLimit(conversationId, Date.now());
      if (wait !== undefined) {
        request.status = 429;
        request.retryAfterS = Math.max(1, Math.ceil(wait / 1000));
        return this.throttledByLimit(res, wait);
      }
      const activityId = method === 'PUT' ? id : randomUUID();
      request.status = 200;
      this.record({ method, path, kind, conversationId, activityId, body, at: Date.now() });
      return this.reply(res, 200, { id: activityId });
    }
    if (sub === 'activities' && method === 'DELETE') {
      const wait = this.overThreadLimit(conversationId, Date.now());
      if (wait !== undefined) return this.throttledByLimit(res, wait);
      this.record({ method, path, kind: 'delete', conversationId, activityId: id, body, at: Date.now() });
      return this.reply(res, 200, {});
    }
    if (sub === 'pagedmembers' && method === 'GET') {
      this.record({ method, path, kind: 'members', conversationId, body, at: Date.now() });
      const all = this.rosters.get(conversationId) ?? [];
      const size = Math.min(Number(url.searchParams.get('pageSize') ?? this.pageSize), this.pageSize);
      const start = Number(url.searchParams.get('continuationToken') ?? 0);
      const members = all.slice(start, start + size);
      const next = start + size < all.length ? String(start + size) : undefined;
      return this.reply(res, 200, { members, ...(next ? { continuationToken: next } : {}) });
    }
    if (sub === 'members' && method === 'GET') {
      const all = this.rosters.get(conversationId) ?? [];
      if (!id) {
        this.record({ method, path, kind: 'members', conversationId, body, at: Date.now() });
        return this.reply(res, 200, all);
      }
      this.record({ method, path, kind: 'member', conversationId, body, at: Date.now() });
      const member = all.find((x) => x.id === id || x.aadObjectId === id);
      return member ? this.reply(res, 200, member) : this.reply(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
    }
    this.record({ method, path, kind: 'other', conversationId, body, at: Date.now() });
    return this.reply(res, 404, { error: { code: 'NotFound', message: path } });
  }

  /**
   * What Teams does when a person presses Allow on a file consent card: it makes room for the file
   * in their OneDrive (folder "Microsoft Teams Chat Files") and opens an upload session there, whose
   * URL the bot gets as uploadInfo.uploadUrl.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
   */
  openUploadSession(userId: string, name: string): { uploadUrl: string; contentUrl: string; name: string; uniqueId: string; fileType: string } {
    const id = randomUUID();
    const uniqueId = randomUUID().toUpperCase();
    const contentUrl = `https://contoso-my.sharepoint.com/personal/${userId.replace(/\W/g, '_')}/Documents/Microsoft Teams Chat Files/${name}`;
    this.uploadSessions.set(id, { id, userId, name, uniqueId, contentUrl, received: [], size: undefined, item: undefined });
    return { uploadUrl: `${this.url}upload-sessions/${id}`, contentUrl, name, uniqueId, fileType: name.replace(/^.*\./, '') };
  }

  /** The file a session received, once whole; undefined while it is not. */
  uploadedFile(uploadUrl: string): { bytes: Buffer; item: any } | undefined {
    const session = this.uploadSessions.get(uploadUrl.replace(/^.*\/upload-sessions\//, ''));
    return session?.item ? { bytes: Buffer.concat(session.received), item: session.item } : undefined;
  }

  /** Every upload session with what it received so far. */
  uploads(): { name: string; userId: string; bytes: number; complete: boolean }[] {
    return [...this.uploadSessions.values()].map((s) => ({ name: s.name, userId: s.userId, bytes: s.received.reduce((n, b) => n + b.length, 0), complete: s.item !== undefined }));
  }

  /**
   * A PUT to an upload session, as OneDrive answers it: the URL needs no token; each fragment says
   * where it goes with Content-Range "bytes {first}-{last}/{total}" and Content-Length; a fragment
   * out of order is 416; a fragment that completes the file is 201 with the driveItem, one before is
   * 202 with nextExpectedRanges.
   * https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession#upload-bytes-to-the-upload-session
   */
  private uploadFragment(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const session = this.uploadSessions.get((req.url ?? '').slice('/upload-sessions/'.length));
    this.record({ method: req.method ?? 'GET', path: req.url ?? '', kind: 'other', body: { contentRange: req.headers['content-range'], bytes: body.length }, at: Date.now() });
    if (!session) return this.reply(res, 404, { error: { code: 'itemNotFound', message: 'The upload session was not found.' } });
    if (req.method !== 'PUT') return this.reply(res, 405, { error: { code: 'invalidRequest', message: 'Method not allowed.' } });
    if (session.item) return this.reply(res, 409, { error: { code: 'uploadSessionComplete', message: 'The upload session is complete.' } });
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    const length = Number(req.headers['content-length']);
    if (!range || length !== body.length) return this.reply(res, 400, { error: { code: 'invalidRequest', message: 'Content-Range and Content-Length are required.' } });
    const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const received = session.received.reduce((n, b) => n + b.length, 0);
    if (first !== received || last - first + 1 !== body.length || (session.size !== undefined && session.size !== total) || last >= total) {
      return this.reply(res, 416, { error: { code: 'invalidRange', message: 'The Content-Range is not the expected one.' } });
    }
    session.size = total;
    session.received.push(body);
    if (last + 1 < total) return this.reply(res, 202, { expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(), nextExpectedRanges: [`${last + 1}-`] });
    const now = new Date().toISOString();
    session.item = {
      id: `01${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 32)}`,
      name: session.name,
      size: total,
      createdDateTime: now,
      lastModifiedDateTime: now,
      eTag: `"{${session.uniqueId}},1"`,
      cTag: `"c:{${session.uniqueId}},1"`,
      webUrl: session.contentUrl,
      file: { mimeType: session.name.endsWith('.docx') ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'application/octet-stream' },
      parentReference: { driveType: 'business', path: '/drive/root:/Microsoft Teams Chat Files' },
    };
    return this.reply(res, 201, session.item);
  }

  private aadOf(userId: string): string | undefined {
    for (const roster of this.rosters.values()) {
      const found = roster.find((m) => m.id === userId);
      if (found?.aadObjectId) return found.aadObjectId;
    }
    return undefined;
  }

  /**
   * How long until one more request to `thread` keeps within Teams' per-thread limits, or
   * undefined when it does now (and then it is counted). Requests turned away are not counted.
   */
  private overThreadLimit(thread: string, now: number): number | undefined {
    if (!this.threadLimits) return undefined;
    const longest = Math.max(...this.threadLimits.map((w) => w.ms));
    const log = (this.threadLog.get(thread) ?? []).filter((t) => t > now - longest);
    let ready = now;
    for (const w of this.threadLimits) {
      const inWindow = log.filter((t) => t > now - w.ms);
      if (inWindow.length >= w.limit) ready = Math.max(ready, inWindow[inWindow.length - w.limit]! + w.ms);
    }
    if (ready > now) {
      this.threadLog.set(thread, log);
      return ready - now;
    }
    log.push(now);
    this.threadLog.set(thread, log);
    return undefined;
  }

  /**
   * Over a thread's limit: 429 with Retry-After in whole seconds, as Teams answers.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit#handle-http-429-responses
   */
  private throttledByLimit(res: ServerResponse, waitMs: number): void {
    this.throttled += 1;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
    return this.reply(res, 429, { error: { code: 'Throttled', message: 'Too many requests' } });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}
