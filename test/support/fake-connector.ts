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

export interface RosterMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

/**
 * A stand-in for the Bot Connector service: records every call the bot makes and answers the
 * way the connector does (ids for sent activities, paged members, 429 when told to).
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private rosters = new Map<string, RosterMember[]>();
  private throttleNext = 0;
  private throttleEvery = 0;
  private throttleCount = 0;
  /** 429s answered so far. */
  throttled = 0;
  private throttleUntil = 0;
  private waiters: { predicate: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];
  pageSize = 2;
  /** People Teams will not open a 1:1 chat with (the app is not installed for them): createConversation gets 403. */
  readonly refusePersonalChat = new Set<string>();
  /** Answers only once recorded, so a waiting test sees the call before the bot gets its answer. */
  latencyMs = 0;
  private refusals: { status: number; matches: (c: ConnectorCall) => boolean; left: number }[] = [];
  /** Sends and updates answered with an error status by refuse(), not counted as sent. */
  readonly refused: (ConnectorCall & { status: number })[] = [];
  private holds: { matches: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void; release?: Promise<unknown> }[] = [];

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake connector not started');
    return `http://127.0.0.1:${address.port}/`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
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
  throttleShare(every: number): void {
    this.throttleEvery = every;
    this.throttleCount = 0;
  }

  /** Every send/update gets 429 for the next `ms`: longer than a client's own retries last. */
  throttleFor(ms: number): void {
    this.throttleUntil = Date.now() + ms;
  }

  /**
   * Sends and updates that match get `status` (403: the bot was removed from the chat; 404: the
   * message is gone; 5xx: the service failed), `times` times or until cleared; the connector client
   * retries 5xx and 429 by itself before the bot sees them.
   */
  refuse(status: number, matches: (c: ConnectorCall) => boolean, times = Number.POSITIVE_INFINITY): void {
    this.refusals.push({ status, matches, left: times });
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
  }

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
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.reply(res, 400, { error: { code: 'BadSyntax', message: 'invalid JSON' } });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const m = path.match(/^\/v3\/conversations\/([^/]+)(?:\/(activities|pagedmembers|members)(?:\/([^/]+))?)?\/?$/);
    const conversationId = m?.[1];
    const sub = m?.[2];
    const id = m?.[3];
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    if (method === 'POST' && path.replace(/\/$/, '') === '/v3/conversations') {
      const newId = `a:${randomUUID()}`;
      this.record({ method, path, kind: 'createConversation', conversationId: newId, body, at: Date.now() });
      if ((body?.members ?? []).some((m: { id: string }) => this.refusePersonalChat.has(m.id))) {
        return this.reply(res, 403, { error: { code: 'Forbidden', message: 'The bot is not installed for the user' } });
      }
      return this.reply(res, 201, { id: newId, activityId: randomUUID() });
    }
    if (!conversationId) return this.reply(res, 404, { error: { code: 'NotFound', message: path } });

    if (sub === 'activities' && (method === 'POST' || method === 'PUT')) {
      const kind = method === 'PUT' ? 'update' : 'send';
      const shared = this.throttleEvery > 0 && ++this.throttleCount % this.throttleEvery === 0;
      if (shared || this.throttleNext > 0 || Date.now() < this.throttleUntil) {
        if (!shared && this.throttleNext > 0) this.throttleNext--;
        this.throttled += 1;
        res.setHeader('Retry-After', '1');
        return this.reply(res, 429, { error: { code: 'Throttled', message: 'Too many requests' } });
      }
      const attempted: ConnectorCall = { method, path, kind, conversationId, activityId: method === 'PUT' ? id : undefined, body, at: Date.now() };
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
        this.refused.push({ ...attempted, status: refusal.status });
        return this.reply(res, refusal.status, { error: { code: refusal.status === 403 ? 'BotNotInConversationRoster' : `HTTP${refusal.status}`, message: 'refused by the test' } });
      }
      const activityId = method === 'PUT' ? id : randomUUID();
      this.record({ method, path, kind, conversationId, activityId, body, at: Date.now() });
      return this.reply(res, 200, { id: activityId });
    }
    if (sub === 'activities' && method === 'DELETE') {
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

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}
