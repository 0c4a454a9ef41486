import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphStatus, Logger, StoreHealth } from './app/ports.js';
import { STORAGE_FULL_LOG } from './app/storage-full.js';
import { type TurnRecording, startTurn } from './telemetry/signals.js';
import { storableJson } from './domain/storable-text.js';
import { inboundActivitySchema, telemetryAttributesOf, tenantOfInbound } from './teams/inbound.js';
import { type LegalPage, legalPage, pageLocale } from './legal/pages.js';

export interface HostDeps {
  maxBodyBytes: number;
  allowedTenants: readonly string[];
  /** Where the bot may be told to answer; unset: anywhere (with credentials the token vouches for it). */
  serviceUrlAllowed?(serviceUrl: string): boolean;
  logger: Logger;
  health(): Promise<StoreHealth>;
  /** This instance's outbox loop; undefined until it has started. */
  outboxHealth?(): { alive: boolean; lastPassMsAgo: number | null; inFlight: number } | undefined;
  /** Outbox jobs set aside after failing for good, by kind. */
  parkedJobs?(): Promise<Record<string, number>>;
  /** Whether Graph takes the app's credentials; undefined without Graph settings. */
  graphStatus?(): GraphStatus;
  /** Local mode's links to generated minutes (/files/<token>); undefined: no such route. */
  files?(token: string): Promise<{ path: string; name: string } | undefined>;
  /** Runs one turn; resolves when the adapter has written the HTTP response. */
  processActivity(req: Request, res: Response): Promise<void>;
}

export interface Host {
  app: express.Express;
  /** Stops accepting, waits for turns in flight (at most graceMs), then resolves. */
  drain(server: Server, graceMs: number): Promise<void>;
  inFlight(): number;
}

export function createHost(deps: HostDeps): Host {
  const app = express();
  app.disable('x-powered-by');
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const health = await deps.health();
    const outbox = deps.outboxHealth?.();
    // An instance whose outbox loop is stuck would keep accepting turns whose side effects never go out.
    const ready = !draining && health.reachable && health.migrated && !health.storageFull && (outbox === undefined || outbox.alive);
    // Shown, not weighed: parked jobs wait for the admin, and another instance would park them just the same.
    const parked = health.reachable && health.migrated ? await deps.parkedJobs?.().catch(() => undefined) : undefined;
    const parkedBody = parked ? { parked: Object.values(parked).reduce((n, k) => n + k, 0), parkedByKind: parked } : {};
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      draining,
      store: { reachable: health.reachable, migrated: health.migrated, ...(health.storageFull ? { storageFull: true, reason: STORAGE_FULL_LOG } : {}) },
      ...(outbox ? { outbox: { ...outbox, ...parkedBody } } : {}),
      // Shown, not weighed: every instance shares the one secret, so taking this one out of the
      // load balancer would send no turn anywhere better, and turns without Graph still work.
      ...(deps.graphStatus ? { graph: deps.graphStatus() } : {}),
    });
  });

  // The manifest's privacyUrl and termsOfUseUrl point here: the text of docs/privacy.md and docs/terms.md.
  for (const page of ['privacy', 'terms'] as const satisfies readonly LegalPage[]) {
    app.get(`/${page}`, (req, res) => {
      const locale = pageLocale(req.query.lang, req.get('accept-language'));
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Language', locale);
      res.setHeader('Vary', 'Accept-Language');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft");
      res.status(200).send(legalPage(page, locale));
    });
  }

  if (deps.files) {
    const files = deps.files;
    app.get('/files/:token', async (req, res) => {
      const found = await files(req.params.token).catch(() => undefined);
      if (!found) {
        // Forged, expired or naming nothing the bot wrote: one answer for all, saying nothing of which.
        res.status(404).json({ error: 'no such file, or the link has expired' });
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.download(found.path, found.name, { dotfiles: 'allow' }, (err) => {
        if (err && !res.headersSent) res.status(404).json({ error: 'no such file, or the link has expired' });
      });
    });
  }

  app.post(
    '/api/messages',
    (_req, res, next) => {
      // Every request is measured, refused ones too, with the status the client saw.
      const turn = startTurn();
      res.locals.turn = turn;
      res.once('close', () => turn.end(res.statusCode));
      if (draining) {
        res.setHeader('Connection', 'close');
        res.status(503).json({ error: 'shutting down' });
        return;
      }
      next();
    },
    // Every string of the activity (message text, card inputs, names) is made storable on the way in.
    express.json({ limit: deps.maxBodyBytes, type: () => true, strict: true, reviver: storableJson }),
    async (req, res) => {
      const turn = res.locals.turn as TurnRecording;
      const parsed = inboundActivitySchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: 'not a Bot Framework activity' });
        return;
      }
      turn.describe(telemetryAttributesOf(parsed.data));
      if (deps.serviceUrlAllowed && !deps.serviceUrlAllowed(parsed.data.serviceUrl)) {
        deps.logger.warn({ serviceUrl: new URL(parsed.data.serviceUrl).origin }, 'activity refused: local mode answers only the loopback and the Playground');
        res.status(403).json({ error: 'service URL not allowed' });
        return;
      }
      if (deps.allowedTenants.length > 0) {
        const tenant = tenantOfInbound(parsed.data)?.toLowerCase();
        if (!tenant || !deps.allowedTenants.includes(tenant)) {
          deps.logger.warn({ tenant: tenant ?? null }, 'activity from a tenant that is not allowed');
          res.status(403).json({ error: 'tenant not allowed' });
          return;
        }
      }
      inFlight++;
      try {
        await turn.run(() => deps.processActivity(req, res));
      } catch (err) {
        deps.logger.error({ err }, 'turn failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      } finally {
        inFlight--;
        if (inFlight === 0) idle?.();
      }
    },
  );

  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number; type?: string }).status;
    if (status === 413) {
      res.status(413).json({ error: 'body too large' });
      return;
    }
    if (status === 400) {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    if (res.headersSent) {
      next(err);
      return;
    }
    deps.logger.error({ err }, 'request failed');
    res.status(500).json({ error: 'internal error' });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  return {
    app,
    inFlight: () => inFlight,
    async drain(server, graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
