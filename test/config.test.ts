import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs in local mode on its embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      localMode: true,
      PORT: 3978,
      sqlitePath: 'data/council-assistant.sqlite',
      DEFAULT_LOCALE: 'sv',
      DEFAULT_TIME_ZONE: 'Europe/Stockholm',
      ALLOWED_TENANTS: [],
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('uses credentials when both are given', () => {
    const config = loadConfig({ BOT_ID: 'id', BOT_PASSWORD: 'secret', NODE_ENV: 'production', ANONYMOUS_VOTE_KEY: 'k'.repeat(32) });
    expect(config.localMode).toBe(false);
  });

  it('listens on the loopback without credentials and everywhere with them, unless HOST says otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ BOT_ID: 'id', BOT_PASSWORD: 'secret' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ BOT_ID: 'id', BOT_TYPE: 'UserAssignedMSI' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ BOT_ID: 'id', BOT_PASSWORD: 'secret', HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
  });

  it('takes the OpenID metadata and the Playground address as URLs', () => {
    expect(loadConfig({}).BOT_OPENID_METADATA).toBeUndefined();
    expect(loadConfig({ M365_AGENTS_PLAYGROUND_SERVICE_URL: 'http://localhost:56150/_connector' }).M365_AGENTS_PLAYGROUND_SERVICE_URL).toBe(
      'http://localhost:56150/_connector',
    );
    expect(() => loadConfig({ BOT_OPENID_METADATA: 'login.botframework.com' })).toThrow(/BOT_OPENID_METADATA/);
    expect(() => loadConfig({ M365_AGENTS_PLAYGROUND_SERVICE_URL: 'playground' })).toThrow(/M365_AGENTS_PLAYGROUND_SERVICE_URL/);
  });

  it('refuses to start in production without credentials', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', BOT_ID: 'id' })).toThrow(/BOT_PASSWORD/);
    expect(() => loadConfig({ NODE_ENV: 'production', BOT_ID: 'id', BOT_TYPE: 'UserAssignedMSI', ANONYMOUS_VOTE_KEY: 'k'.repeat(32) })).not.toThrow();
  });

  it('requires a key for anonymous ballots in production, and a long one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BOT_ID: 'id', BOT_PASSWORD: 'p' })).toThrow(/ANONYMOUS_VOTE_KEY/);
    expect(() => loadConfig({ ANONYMOUS_VOTE_KEY: 'short' })).toThrow(/ANONYMOUS_VOTE_KEY/);
  });

  it('rejects a password without an id and malformed values', () => {
    expect(() => loadConfig({ BOT_PASSWORD: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DEFAULT_TIME_ZONE: 'Europe/Atlantis' })).toThrow(/DEFAULT_TIME_ZONE/);
  });

  it('links minutes on its own server in local mode only, unless told to use Teams’ file consent flow', () => {
    expect(loadConfig({}).minutesFileLinks).toBe(true);
    expect(loadConfig({ MINUTES_FILE_LINKS: '' }).minutesFileLinks).toBe(true);
    expect(loadConfig({ MINUTES_FILE_LINKS: 'off' }).minutesFileLinks).toBe(false);
    expect(loadConfig({ BOT_ID: 'id', BOT_PASSWORD: 'secret' }).minutesFileLinks).toBe(false);
    expect(() => loadConfig({ BOT_ID: 'id', BOT_PASSWORD: 'secret', MINUTES_FILE_LINKS: 'on' })).toThrow(/MINUTES_FILE_LINKS=on is for local mode/);
  });

  it('parses the tenant allow-list case-insensitively', () => {
    expect(loadConfig({ ALLOWED_TENANTS: ' AbC , def,,' }).ALLOWED_TENANTS).toEqual(['abc', 'def']);
  });

  it('takes the PostgreSQL connections per instance, 10 unless set, and refuses none', () => {
    expect(loadConfig({}).DATABASE_POOL_MAX).toBe(10);
    expect(loadConfig({ DATABASE_POOL_MAX: '4' }).DATABASE_POOL_MAX).toBe(4);
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ BOT_ID: '', BOT_PASSWORD: '', DATABASE_URL: '' });
    expect(config.localMode).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('reads Graph settings only when complete, with a secret or a certificate but not both', () => {
    expect(loadConfig({}).graph).toBeUndefined();
    const base = { GRAPH_TENANT_ID: 'tenant', GRAPH_CLIENT_ID: 'client' };
    expect(loadConfig({ ...base, GRAPH_CLIENT_SECRET: 's' }).graph).toMatchObject({
      tenantId: 'tenant',
      credential: { clientSecret: 's' },
      authorityHost: 'https://login.microsoftonline.com',
      baseUrl: 'https://graph.microsoft.com/v1.0',
      maxRetries: 3,
    });
    expect(loadConfig({ ...base, GRAPH_CERTIFICATE_FILE: '/secrets/app.pem' }).graph?.credential).toEqual({ certificateFile: '/secrets/app.pem' });
    expect(() => loadConfig(base)).toThrow(/GRAPH_CLIENT_SECRET or GRAPH_CERTIFICATE_FILE/);
    expect(() => loadConfig({ GRAPH_CLIENT_SECRET: 's' })).toThrow(/GRAPH_TENANT_ID/);
    expect(() => loadConfig({ ...base, GRAPH_CLIENT_SECRET: 's', GRAPH_CERTIFICATE_FILE: '/x.pem' })).toThrow(/not both/);
    expect(() => loadConfig({ ...base, GRAPH_CLIENT_SECRET: 's', GRAPH_MAX_RETRIES: '11' })).toThrow(/GRAPH_MAX_RETRIES/);
  });

  it('takes the app catalog id for installs through Graph only with the Graph settings', () => {
    const graph = { GRAPH_TENANT_ID: 'tenant', GRAPH_CLIENT_ID: 'client', GRAPH_CLIENT_SECRET: 's' };
    expect(loadConfig({ ...graph, TEAMS_APP_CATALOG_ID: 'app-1' }).TEAMS_APP_CATALOG_ID).toBe('app-1');
    expect(loadConfig(graph).TEAMS_APP_CATALOG_ID).toBeUndefined();
    expect(() => loadConfig({ TEAMS_APP_CATALOG_ID: 'app-1' })).toThrow(/TEAMS_APP_CATALOG_ID.*Graph settings/);
  });

  it('refuses a test clock in production', () => {
    const production = { NODE_ENV: 'production', BOT_ID: 'id', BOT_PASSWORD: 'p', ANONYMOUS_VOTE_KEY: 'k'.repeat(32) };
    expect(() => loadConfig({ ...production, CLOCK_FILE: '/tmp/now' })).toThrow(/CLOCK_FILE/);
    expect(loadConfig({ CLOCK_FILE: '/tmp/now' }).CLOCK_FILE).toBe('/tmp/now');
  });

  it('takes the Graph certificate as PEM text too, one credential only', () => {
    const base = { GRAPH_TENANT_ID: 'tenant', GRAPH_CLIENT_ID: 'client' };
    const pem = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';
    expect(loadConfig({ ...base, GRAPH_CERTIFICATE_PEM: pem }).graph?.credential).toEqual({ certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' });
    expect(() => loadConfig({ ...base, GRAPH_CLIENT_SECRET: 's', GRAPH_CERTIFICATE_PEM: pem })).toThrow(/not both/);
  });

  it('refuses to start on a Key Vault reference App Service could not resolve, instead of using its text as the secret', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ANONYMOUS-VOTE-KEY/)';
    expect(() => loadConfig({ ANONYMOUS_VOTE_KEY: reference })).toThrow(/unresolved Key Vault references.*ANONYMOUS_VOTE_KEY/);
    expect(() => loadConfig({ DATABASE_URL: ` ${reference}` })).toThrow(/DATABASE_URL/);
  });

  it('keeps meetings for ever unless a retention period in whole years is set', () => {
    expect(loadConfig({}).RETENTION_YEARS).toBeUndefined();
    // As .env.example leaves it: empty is unset, not a retention of zero years.
    expect(loadConfig({ RETENTION_YEARS: '' }).RETENTION_YEARS).toBeUndefined();
    expect(loadConfig({ RETENTION_YEARS: '10' }).RETENTION_YEARS).toBe(10);
    expect(() => loadConfig({ RETENTION_YEARS: '0' })).toThrow(/RETENTION_YEARS/);
    expect(() => loadConfig({ RETENTION_YEARS: 'tio' })).toThrow(/RETENTION_YEARS/);
  });

  it('exports telemetry only with an Application Insights connection string, metrics every minute by default', () => {
    expect(loadConfig({}).APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
    expect(loadConfig({}).OTEL_METRIC_EXPORT_INTERVAL).toBe(60_000);
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: ' ' }).APPLICATIONINSIGHTS_CONNECTION_STRING).toBeUndefined();
    expect(loadConfig({ OTEL_METRIC_EXPORT_INTERVAL: '5000' }).OTEL_METRIC_EXPORT_INTERVAL).toBe(5_000);
    expect(() => loadConfig({ OTEL_METRIC_EXPORT_INTERVAL: '10' })).toThrow(/OTEL_METRIC_EXPORT_INTERVAL/);
  });
});
