import { hostname } from 'node:os';
import { z } from 'zod';
import { isValidTimeZone } from './domain/time-zone.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * App Service leaves an unresolved Key Vault reference in the variable as it is. A secret that
 * still reads "@Microsoft.KeyVault(…)" must stop the start, never be used as the secret.
 */
function unresolvedReferences(env: Record<string, unknown>): string[] {
  return Object.entries(env)
    .filter(([, v]) => typeof v === 'string' && /^@Microsoft\.KeyVault\(/i.test(v.trim()))
    .map(([k]) => k);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Unset: 127.0.0.1 in local mode, which answers anyone who can reach it, and 0.0.0.0 with credentials. */
  HOST: optionalString,
  BOT_ID: optionalString,
  BOT_PASSWORD: optionalString,
  BOT_TENANT_ID: optionalString,
  BOT_TYPE: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).default('SingleTenant'),
  /**
   * The OpenID metadata that signs the channel's tokens (botbuilder's BotOpenIdMetadata): for a
   * national cloud, and for tests that sign their own. Unset: the public Bot Framework's.
   */
  BOT_OPENID_METADATA: optionalString.pipe(z.string().url().optional()),
  /**
   * The Agents Playground's own variable for the service URL it gives the bot (default
   * http://localhost:<its port>/_connector). In local mode the bot sends only to the loopback and here.
   */
  M365_AGENTS_PLAYGROUND_SERVICE_URL: optionalString.pipe(z.string().url().optional()),
  ALLOWED_TENANTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== ''),
    ),
  DATABASE_URL: optionalString,
  /** PostgreSQL connections per instance; instances × this must stay below the server's max_connections. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** How long a starting bot waits for PostgreSQL to be reachable (it may start first) before it gives up. */
  DATABASE_STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(180),
  DATA_DIR: z.string().default('data'),
  SQLITE_FILE: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LOCALE: z.enum(['sv', 'en']).default('sv'),
  DEFAULT_TIME_ZONE: z.string().refine(isValidTimeZone, 'not an IANA time zone').default('Europe/Stockholm'),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
  /** Secret for anonymous ballots' keyed hash; at least 32 characters. Without it a key file in DATA_DIR is made. */
  ANONYMOUS_VOTE_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  /**
   * How long an incoming turn waits for Teams to take its replies before it answers Teams' HTTP
   * request anyway; what is still going out then follows, and what Teams then refuses goes to the
   * outbox. Teams gives up on an invoke after about 10 s, on a message after 15 s.
   */
  REPLY_WAIT_MS: z.coerce.number().int().min(100).max(10_000).default(1_000),
  /** How often the outbox of proactive messages, deadlines and reminders is looked at. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /**
   * Outbox jobs one instance delivers at once. A send that waits out a 429 holds its slot, so
   * under throttling more slots keep the rest moving; the rate limits still pace the sends.
   */
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(100),
  /** Proactive sends per second per tenant from this instance (Teams allows about 50 per app and tenant). */
  TEAMS_TENANT_RATE: z.coerce.number().int().min(1).max(50).default(40),
  /** Microsoft Graph, app-only: the app registration that may read and write the council calendars. */
  GRAPH_TENANT_ID: optionalString,
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  /** PEM file with the app's certificate and its private key, instead of a secret. */
  GRAPH_CERTIFICATE_FILE: optionalString,
  /** The same PEM as text (a Key Vault reference on App Service, where there is no file). */
  GRAPH_CERTIFICATE_PEM: optionalString,
  GRAPH_AUTHORITY_HOST: z.string().url().default('https://login.microsoftonline.com'),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  /** Retries of a throttled (429) or unavailable (503/504) Graph request before the job is put back. */
  GRAPH_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * While Entra ID refuses the app's secret or certificate, Graph work waits and one token request
   * tries again after this long, the pause doubling up to ten minutes.
   */
  GRAPH_CREDENTIALS_PROBE_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * The app's id in the organisation's Teams app catalog (Teams admin center, Manage apps, App ID).
   * Set by an admin who granted the app TeamsAppInstallation.ReadWriteSelfForUser.All: a member
   * Teams will not open a personal chat with then gets the app installed through Graph, and their
   * reminders reach them. Needs the Graph settings.
   */
  TEAMS_APP_CATALOG_ID: optionalString,
  /**
   * Meetings that ended more than this many years ago are deleted with what was recorded at them
   * (minutes exported to SharePoint stay there). Unset: kept for ever.
   */
  RETENTION_YEARS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(100).optional()),
  /**
   * Local mode only: generated minutes are fetched from the bot's own HTTP server (/files/<token>),
   * since the Agents Playground has no Teams file upload. Unset: on in local mode. "off" uses
   * Teams' file consent flow as with credentials (for trying that flow against a local fake).
   */
  MINUTES_FILE_LINKS: optionalString.pipe(z.enum(['on', 'off']).optional()),
  /** How often each connected council calendar is synced from Outlook. */
  CALENDAR_SYNC_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /** Agenda edits wait this long before they go to the calendar, so a session of edits costs attendees one update e-mail. */
  CALENDAR_AGENDA_DELAY_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /**
   * Outside production only: a file holding an ISO instant that the bot's clock runs from, so
   * tests can move time forward to when reminders fall due.
   */
  CLOCK_FILE: optionalString,
  /** Application Insights (App Service sets it from the resource): with it, traces and metrics are exported there. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString,
  /** OpenTelemetry's variable: milliseconds between metric exports. */
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Set by App Service for each instance; telemetry tells instances apart by it (else host name and process id). */
  WEBSITE_INSTANCE_ID: optionalString,
  /**
   * Names this instance in the outbox's leases, so a process restarted after a crash frees the
   * leases its predecessor left. Defaults to WEBSITE_INSTANCE_ID, else the host name.
   */
  INSTANCE_ID: optionalString,
});

export type Env = z.infer<typeof envSchema>;

/** Every environment variable loadConfig reads; the README's configuration table is held to them. */
export function settingNames(): readonly string[] {
  return Object.keys(envSchema.shape);
}

export interface GraphSettings {
  tenantId: string;
  clientId: string;
  credential: { clientSecret: string } | { certificateFile: string } | { certificatePem: string };
  authorityHost: string;
  baseUrl: string;
  maxRetries: number;
}

export interface Config extends Omit<Env, 'HOST'> {
  /** The address to listen on. */
  HOST: string;
  /** Undefined without Graph settings: meetings then live only in the bot. */
  graph: GraphSettings | undefined;
  /** Local mode: no inbound authentication, no outbound tokens (Agents Playground, tests). */
  localMode: boolean;
  /** Minutes are linked on the bot's own HTTP server instead of sent through Teams (local mode only). */
  minutesFileLinks: boolean;
  sqlitePath: string;
  instanceId: string;
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const unresolved = unresolvedReferences(source as Record<string, unknown>);
  if (unresolved.length > 0) {
    throw new ConfigError(`These settings are unresolved Key Vault references (check the app's access to the vault): ${unresolved.join(', ')}`);
  }
  const hasCredentials =
    env.BOT_ID !== undefined && (env.BOT_PASSWORD !== undefined || env.BOT_TYPE === 'UserAssignedMSI');
  if (env.BOT_ID === undefined && env.BOT_PASSWORD !== undefined) {
    throw new ConfigError('BOT_PASSWORD is set but BOT_ID is not.');
  }
  if (env.NODE_ENV === 'production' && !hasCredentials) {
    throw new ConfigError(
      'NODE_ENV=production requires BOT_ID and BOT_PASSWORD (or BOT_TYPE=UserAssignedMSI); refusing to start without inbound authentication.',
    );
  }
  if (env.NODE_ENV === 'production' && env.ANONYMOUS_VOTE_KEY === undefined) {
    // Several instances must hash a voter the same way, and the key must not live beside the data.
    throw new ConfigError('NODE_ENV=production requires ANONYMOUS_VOTE_KEY (at least 32 characters) for anonymous polls.');
  }
  if (env.TEAMS_APP_CATALOG_ID !== undefined && env.GRAPH_CLIENT_ID === undefined) {
    throw new ConfigError('TEAMS_APP_CATALOG_ID installs the app for members through Graph: it needs the Graph settings (GRAPH_TENANT_ID, GRAPH_CLIENT_ID, …) too.');
  }
  if (env.MINUTES_FILE_LINKS === 'on' && hasCredentials) {
    // With credentials the bot is reachable from the internet: files go through Teams, never a link to the bot.
    throw new ConfigError('MINUTES_FILE_LINKS=on is for local mode (no BOT_ID); with credentials the minutes go through Teams.');
  }
  if (env.NODE_ENV === 'production' && env.CLOCK_FILE !== undefined) {
    throw new ConfigError('CLOCK_FILE is for tests and must not be set in production.');
  }
  return {
    ...env,
    HOST: env.HOST ?? (hasCredentials ? '0.0.0.0' : '127.0.0.1'),
    graph: graphSettings(env),
    localMode: !hasCredentials,
    minutesFileLinks: !hasCredentials && env.MINUTES_FILE_LINKS !== 'off',
    sqlitePath: env.SQLITE_FILE ?? `${env.DATA_DIR}/council-assistant.sqlite`,
    instanceId: env.INSTANCE_ID ?? env.WEBSITE_INSTANCE_ID ?? hostname(),
  };
}

function graphSettings(env: Env): GraphSettings | undefined {
  const given = [env.GRAPH_TENANT_ID, env.GRAPH_CLIENT_ID, env.GRAPH_CLIENT_SECRET ?? env.GRAPH_CERTIFICATE_FILE ?? env.GRAPH_CERTIFICATE_PEM];
  if (given.every((v) => v === undefined)) return undefined;
  if (given.some((v) => v === undefined)) {
    throw new ConfigError('Graph needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_FILE (or _PEM) together.');
  }
  if ([env.GRAPH_CLIENT_SECRET, env.GRAPH_CERTIFICATE_FILE, env.GRAPH_CERTIFICATE_PEM].filter((v) => v !== undefined).length > 1) {
    throw new ConfigError('Give one of GRAPH_CLIENT_SECRET, GRAPH_CERTIFICATE_FILE and GRAPH_CERTIFICATE_PEM, not both.');
  }
  return {
    tenantId: env.GRAPH_TENANT_ID!,
    clientId: env.GRAPH_CLIENT_ID!,
    credential:
      env.GRAPH_CLIENT_SECRET !== undefined
        ? { clientSecret: env.GRAPH_CLIENT_SECRET }
        : env.GRAPH_CERTIFICATE_FILE !== undefined
          ? { certificateFile: env.GRAPH_CERTIFICATE_FILE }
          : { certificatePem: env.GRAPH_CERTIFICATE_PEM!.replace(/\\n/g, '\n') },
    authorityHost: env.GRAPH_AUTHORITY_HOST.replace(/(?<!\/)\/+$/, ''),
    baseUrl: env.GRAPH_BASE_URL.replace(/(?<!\/)\/+$/, ''),
    maxRetries: env.GRAPH_MAX_RETRIES,
  };
}
