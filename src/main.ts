import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock } from './app/ports.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createHost } from './server.js';
import type { Store } from './app/ports.js';
import { openStoreWhenReachable } from './store/startup.js';
import { createAdapter } from './teams/adapter.js';
import { drainLateReplies } from './teams/late-replies.js';
import { type Bot, createBot } from './teams/bot.js';
import { inboundTurns } from './teams/inbound-turn.js';
import { localServiceUrls } from './teams/service-url.js';
import { anonymousVoterKeyFunction, localKey } from './vote-key.js';
import { createFileLinks } from './file-links.js';
import { fileClock } from './file-clock.js';
import { currentLeaseOwner, earlierProcessGone } from './lease-owner.js';
import { folderLibrary } from './export/folder-library.js';
import { minutesDocx } from './export/minutes-docx.js';
import { minutesMarkdown } from './export/minutes-markdown.js';
import { graphCalendar } from './graph/calendar.js';
import { graphLibrary } from './graph/library.js';
import { graphSharedFiles } from './graph/shared-files.js';
import { createGraphHttp } from './graph/http.js';
import { graphPersonalInstaller } from './graph/personal-install.js';
import { createTokenSource } from './graph/token.js';
import { guardCredentials } from './graph/credentials-gate.js';
import { startTelemetry } from './telemetry/start.js';

/** Beyond the grace for turns in flight: for the outbox, the store and telemetry to close. */
const STOP_MARGIN_MS = 5_000;

// A reader that has gone away (a closed pipe) is no reason to crash or to hang: what is written
// to it is lost either way. Anything else a standard stream reports is still fatal.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (config.localMode) {
    logger.warn({}, 'running in LOCAL MODE: no BOT_ID/BOT_PASSWORD, inbound requests are not authenticated');
    if (!['127.0.0.1', '::1', 'localhost'].includes(config.HOST)) {
      logger.warn({ host: config.HOST }, 'LOCAL MODE on an address other machines may reach: whoever reaches it can act as any user');
    }
  }

  // Started beside the store: the exporter's import takes a moment that need not add to the start.
  const telemetryStarting = startTelemetry(config, logger);

  const clock = config.CLOCK_FILE ? fileClock(config.CLOCK_FILE) : systemClock;
  const graph = config.graph;
  const graphTokens = graph && guardCredentials(createTokenSource(graph), { firstProbeMs: config.GRAPH_CREDENTIALS_PROBE_MS, maxProbeMs: 600_000, logger, now: () => clock.now().getTime() });
  const graphHttp = graph && graphTokens && createGraphHttp({ baseUrl: graph.baseUrl, tokens: graphTokens, maxRetries: graph.maxRetries });
  const calendar = graphHttp && graphCalendar(graphHttp);
  const catalogAppId = config.TEAMS_APP_CATALOG_ID;
  const personalInstaller = graph && graphHttp && catalogAppId ? graphPersonalInstaller(graphHttp, { baseUrl: graph.baseUrl, catalogAppId }) : undefined;
  logger.info({ graph: graph !== undefined }, graph ? 'council calendars through Microsoft Graph' : 'no Graph settings: meetings live only in the bot');

  const storeOpening = openStoreWhenReachable(
    config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger } : { sqlitePath: config.sqlitePath },
    { maxWaitMs: config.DATABASE_STARTUP_WAIT_SECONDS * 1000, logger },
  );
  // Awaited after the HTTP server is up; until then a failure must not count as unhandled.
  storeOpening.catch(() => undefined);
  /** Set once the store is migrated and the bot built: /healthz answers before, /readyz says not ready, turns get 503. */
  let running: { store: Store; bot: Bot } | undefined;

  const adapter = createAdapter(config, logger);
  let outbox: ReturnType<Bot['startOutbox']> | undefined;
  // Registered before the first turn or outbox job, which would otherwise record into no-ops.
  const telemetry = await telemetryStarting;
  const minutesRoot = join(config.DATA_DIR, 'minutes');
  let boundPort = config.PORT;
  // The bot's own address as the person at this machine (or the Playground) reaches it.
  const fileLinks = config.minutesFileLinks
    ? createFileLinks({ root: minutesRoot, key: localKey(join(config.DATA_DIR, 'file-link.key')), baseUrl: () => `http://localhost:${boundPort}`, now: () => clock.now().getTime() })
    : undefined;
  const turns = inboundTurns(adapter, logger, { authenticationRequired: !config.localMode });
  const host = createHost({
    maxBodyBytes: config.MAX_BODY_BYTES,
    allowedTenants: config.ALLOWED_TENANTS,
    serviceUrlAllowed: config.localMode ? localServiceUrls(config.M365_AGENTS_PLAYGROUND_SERVICE_URL) : undefined,
    logger,
    health: () => running?.store.health() ?? Promise.resolve({ reachable: false, migrated: false, detail: 'waiting for the database' }),
    outboxHealth: () => outbox?.health(),
    parkedJobs: () => running?.store.outbox.parkedCount() ?? Promise.resolve({}),
    graphStatus: graphTokens && (() => graphTokens.status()),
    files: fileLinks && ((token) => fileLinks.resolve(token)),
    processActivity: async (req, res) => {
      if (!running) {
        res.setHeader('Retry-After', '5').status(503).json({ error: 'starting' });
        return;
      }
      const { bot } = running;
      await turns(req, res, (context) => bot.run(context));
    },
  });

  const server = host.app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  boundPort = (server.address() as AddressInfo).port;
  const store = await storeOpening;
  logger.info({ dialect: store.dialect }, 'store opened and migrated');

  const bot = createBot(adapter, {
    store,
    clock,
    newId: randomUUID,
    logger,
    defaultLocale: config.DEFAULT_LOCALE,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    botAppId: config.BOT_ID ?? '',
    anonymousVoterKey: anonymousVoterKeyFunction(config.ANONYMOUS_VOTE_KEY, config.DATA_DIR),
    calendar,
    calendarSyncMs: config.CALENDAR_SYNC_MS,
    calendarAgendaDelayMs: config.CALENDAR_AGENDA_DELAY_MS,
    minutesLibrary: folderLibrary(minutesRoot),
    fileLinks,
    sharePoint: graphHttp && graphLibrary(graphHttp),
    sharedFiles: graphHttp && graphSharedFiles(graphHttp),
    minutesRenderer: { docx: minutesDocx, markdown: minutesMarkdown },
    graphAccess: graphTokens,
    replyWaitMs: config.REPLY_WAIT_MS,
    personalInstaller,
  });
  running = { store, bot };
  outbox = bot.startOutbox({ intervalMs: config.OUTBOX_POLL_MS, tenantPerSecond: config.TEAMS_TENANT_RATE, concurrency: config.OUTBOX_CONCURRENCY, retentionYears: config.RETENTION_YEARS, lease: { owner: currentLeaseOwner(config.instanceId), gone: earlierProcessGone } });
  adapter.answerWithin(config.REPLY_WAIT_MS, bot.lateReplies);
  await bot.queueCalendarSyncs();
  const port = (server.address() as AddressInfo).port;
  logger.info(
    { port, host: config.HOST, localMode: config.localMode, startupMs: Math.round(performance.now() - startedAt) },
    `listening on http://localhost:${port}/api/messages`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever the steps below wait on (a store, an exporter), the process is gone soon after the grace period.
    setTimeout(() => {
      logger.error({ signal }, 'did not stop within the grace period; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + STOP_MARGIN_MS).unref();
    logger.info({ signal, inFlight: host.inFlight() }, 'shutting down: draining turns in flight');
    await host.drain(server, config.SHUTDOWN_GRACE_MS);
    // Replies still going out after their turns answered: waited for a moment, the rest left to the outbox.
    await drainLateReplies(Math.min(2_000, config.SHUTDOWN_GRACE_MS), logger);
    await outbox?.stop();
    await store.close();
    await telemetry.stop();
    logger.info({}, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
