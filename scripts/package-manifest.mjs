#!/usr/bin/env node
// Builds the Teams app package appPackage/council-assistant.zip.
//
//   npm run package                      (BOT_ID from the environment or ./.env)
//   node scripts/package-manifest.mjs [--out DIR] [--dotenv PATH]
//
// Environment:
//   BOT_ID       required, the bot's Microsoft App ID (a GUID)
//   BOT_DOMAIN   required (or BOT_ENDPOINT), the host name the bot is reached at, e.g.
//                council-assistant.azurewebsites.net; the bot serves /privacy and /terms there
//   BOT_ENDPOINT instead of BOT_DOMAIN, the bot's https address (a dev tunnel's, as the Agents
//                Toolkit writes it into env/.env.local)
//   APP_ID       optional, overrides the Teams app id (a GUID); TEAMS_APP_ID is read too
//   APP_VERSION  optional, overrides the app version (semver, e.g. 1.2.3)
//
// Values already in the environment take precedence over the .env file.
// The manifest in manifest/ carries the placeholder GUID
// 00000000-0000-0000-0000-000000000000, which is replaced by BOT_ID in
// bots[].botId, webApplicationInfo.id and webApplicationInfo.resource, and the
// placeholder host ${{BOT_DOMAIN}}, which the bot's own host replaces in the privacy and terms
// links, so the package points at the pages the deployment serves. The
// result is validated offline against the JSON schemas bundled with
// @microsoft/app-manifest before the zip is written.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import appManifest from '@microsoft/app-manifest';

const { AppManifestUtils } = appManifest;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(projectRoot, 'manifest');

export const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
export const PLACEHOLDER_HOST = '${{BOT_DOMAIN}}';
export const ZIP_NAME = 'council-assistant.zip';
const GUID_RE = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const SCHEMA_URL_PREFIX = 'https://developer.microsoft.com/json-schemas/';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { out: join(projectRoot, 'appPackage'), envFile: join(projectRoot, '.env') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`Missing value for ${arg}`);
      return v;
    };
    if (arg === '--out') opts.out = resolve(value());
    else if (arg.startsWith('--out=')) opts.out = resolve(arg.slice('--out='.length));
    else if (arg === '--dotenv') opts.envFile = resolve(value());
    else if (arg.startsWith('--dotenv=')) opts.envFile = resolve(arg.slice('--dotenv='.length));
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new UsageError(`Unknown argument: ${arg}`);
  }
  return opts;
}

/** Parses simple KEY=VALUE lines (comments, blank lines, optional quotes, `export `). */
export function parseDotEnv(text) {
  const result = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2].trimStart();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    } else {
      const comment = value.search(/\s#/);
      value = (comment < 0 ? value : value.slice(0, comment)).trim();
    }
    result[m[1]] = value;
  }
  return result;
}

function loadEnv(envFile) {
  const fromFile = existsSync(envFile) ? parseDotEnv(readFileSync(envFile, 'utf8')) : {};
  const get = (key) => {
    const v = process.env[key] ?? fromFile[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  // TEAMS_APP_ID is what the Agents Toolkit writes into env/.env.<name> after teamsApp/create.
  return {
    BOT_ID: get('BOT_ID'),
    APP_ID: get('APP_ID') ?? get('TEAMS_APP_ID'),
    APP_VERSION: get('APP_VERSION'),
    BOT_DOMAIN: get('BOT_DOMAIN'),
    BOT_ENDPOINT: get('BOT_ENDPOINT'),
  };
}

/** The host the bot is reached at, from BOT_DOMAIN (a host name) or BOT_ENDPOINT (an https address). */
export function botHost({ BOT_DOMAIN: domain, BOT_ENDPOINT: endpoint }) {
  let fromDomain;
  if (domain !== undefined) {
    let url;
    try {
      url = new URL(`https://${domain}`);
    } catch {
      url = undefined;
    }
    if (!url || url.host !== domain.toLowerCase() || url.username || url.password) {
      throw new UsageError(`BOT_DOMAIN must be the bot's host name alone, e.g. council-assistant.azurewebsites.net, got "${domain}"`);
    }
    fromDomain = url.host;
  }
  let fromEndpoint;
  if (endpoint !== undefined) {
    let url;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      throw new UsageError(`BOT_ENDPOINT must be the bot's https address, e.g. https://council-assistant.azurewebsites.net, got "${endpoint}"`);
    }
    fromEndpoint = url.host;
  }
  if (fromDomain && fromEndpoint && fromDomain !== fromEndpoint) {
    throw new UsageError(`BOT_DOMAIN (${fromDomain}) and BOT_ENDPOINT (${fromEndpoint}) name different hosts`);
  }
  const host = fromDomain ?? fromEndpoint;
  if (!host) {
    throw new UsageError(
      'BOT_DOMAIN is not set. Set BOT_DOMAIN to the host name the bot is reached at (e.g. ' +
        'council-assistant.azurewebsites.net), or BOT_ENDPOINT to its https address: the manifest\'s ' +
        'privacy and terms links go to /privacy and /terms there.',
    );
  }
  return host;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Fixes regex patterns that are valid in JSON Schema (ECMA-262 non-unicode) but not with the `u` flag AJV uses,
 * e.g. the unescaped `]` in the Localization schema's `activities.activityTypes[...]` patterns. */
function toUnicodeSafePattern(pattern) {
  try {
    new RegExp(pattern, 'u');
    return pattern;
  } catch {
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === '\\') {
        out += c + (pattern[i + 1] ?? '');
        i++;
      } else if (inClass) {
        if (c === ']') inClass = false;
        out += c;
      } else if (c === '[') {
        inClass = true;
        out += c;
      } else if (c === ']') {
        out += '\\]';
      } else {
        out += c;
      }
    }
    return out;
  }
}

function sanitizeSchema(node) {
  if (Array.isArray(node)) return node.map(sanitizeSchema);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') out[key] = toUnicodeSafePattern(value);
    else if (key === 'patternProperties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([p, s]) => [toUnicodeSafePattern(p), sanitizeSchema(s)]),
      );
    } else out[key] = sanitizeSchema(value);
  }
  return out;
}

/** Loads the schema referenced by `$schema` from the copies bundled in @microsoft/app-manifest (never the network). */
export function loadBundledSchema(schemaUrl) {
  if (typeof schemaUrl !== 'string' || !schemaUrl.startsWith(SCHEMA_URL_PREFIX)) {
    throw new Error(`Unsupported $schema URL (expected ${SCHEMA_URL_PREFIX}...): ${schemaUrl}`);
  }
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = join(pkgDir, 'build', 'json-schemas', schemaUrl.slice(SCHEMA_URL_PREFIX.length));
  if (!existsSync(file)) {
    throw new Error(`Schema ${schemaUrl} is not bundled with @microsoft/app-manifest (looked for ${file})`);
  }
  const text = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return sanitizeSchema(JSON.parse(text));
}

/** Validates a manifest or localization file offline; returns a list of error strings. */
export async function validateOffline(doc) {
  return AppManifestUtils.validateAgainstSchema(doc, loadBundledSchema(doc.$schema));
}

/** Returns a copy of the manifest with the placeholder ids and host replaced. */
export function applyIds(manifest, { botId, appId, version, host }) {
  const json = JSON.stringify(manifest).split(PLACEHOLDER_ID).join(botId.toLowerCase()).split(PLACEHOLDER_HOST).join(host);
  const result = JSON.parse(json);
  if (appId) result.id = appId.toLowerCase();
  if (version) result.version = version;
  return result;
}

/** Cross-file checks the JSON schema cannot express. */
function checkConsistency(manifest, files) {
  const errors = [];
  for (const key of ['color', 'outline']) {
    const file = manifest.icons?.[key];
    if (!file || !files.has(file)) errors.push(`icons.${key} refers to a missing file: ${file}`);
  }
  for (const lang of manifest.localizationInfo?.additionalLanguages ?? []) {
    if (!files.has(lang.file)) errors.push(`localization file for ${lang.languageTag} is missing: ${lang.file}`);
  }
  const bot = manifest.bots?.[0];
  if (!bot) errors.push('manifest has no bot');
  else {
    if (bot.botId === PLACEHOLDER_ID) errors.push('bots[0].botId still carries the placeholder id');
    if (manifest.webApplicationInfo && manifest.webApplicationInfo.id !== bot.botId) {
      errors.push('webApplicationInfo.id does not match bots[0].botId');
    }
  }
  if (JSON.stringify(manifest).includes('${{')) errors.push('the manifest still carries a ${{...}} placeholder');
  return errors;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('Usage: node scripts/package-manifest.mjs [--out DIR] [--dotenv PATH]');
    console.log('Environment: BOT_ID (required GUID), BOT_DOMAIN (required host name, or BOT_ENDPOINT, an https address),');
    console.log('             APP_ID (optional GUID), APP_VERSION (optional semver)');
    return 0;
  }
  const env = loadEnv(opts.envFile);
  if (!env.BOT_ID) {
    throw new UsageError(
      'BOT_ID is not set. Set BOT_ID to the bot\'s Microsoft App ID (a GUID) in the environment ' +
        `or in ${opts.envFile}, e.g. BOT_ID=xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx npm run package`,
    );
  }
  if (!GUID_RE.test(env.BOT_ID)) {
    throw new UsageError(`BOT_ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got "${env.BOT_ID}"`);
  }
  if (env.BOT_ID === PLACEHOLDER_ID) {
    throw new UsageError('BOT_ID must be the real bot id, not the placeholder 00000000-0000-0000-0000-000000000000');
  }
  const host = botHost(env);
  if (env.APP_ID && !GUID_RE.test(env.APP_ID)) {
    throw new UsageError(`APP_ID must be a GUID, got "${env.APP_ID}"`);
  }
  if (env.APP_VERSION && !SEMVER_RE.test(env.APP_VERSION)) {
    throw new UsageError(`APP_VERSION must be a semantic version like 1.2.3, got "${env.APP_VERSION}"`);
  }

  const template = readJson(join(manifestDir, 'manifest.json'));
  const manifest = applyIds(template, { botId: env.BOT_ID, appId: env.APP_ID, version: env.APP_VERSION, host });

  const files = new Map();
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'));
  const extra = [
    manifest.icons.color,
    manifest.icons.outline,
    ...(manifest.localizationInfo?.additionalLanguages ?? []).map((l) => l.file),
  ];
  for (const name of extra) {
    const path = join(manifestDir, name);
    if (existsSync(path)) files.set(name, readFileSync(path));
  }

  const errors = [];
  for (const e of await validateOffline(manifest)) errors.push(`manifest.json: ${e}`);
  for (const lang of manifest.localizationInfo?.additionalLanguages ?? []) {
    const buf = files.get(lang.file);
    if (!buf) continue;
    for (const e of await validateOffline(JSON.parse(buf.toString('utf8')))) errors.push(`${lang.file}: ${e}`);
  }
  errors.push(...checkConsistency(manifest, files));
  if (errors.length > 0) {
    console.error('The Teams app manifest is invalid:');
    for (const e of errors) console.error(`  - ${e}`);
    return 1;
  }

  const zip = new JSZip();
  const date = new Date('2000-01-01T00:00:00Z'); // deterministic archive
  for (const [name, data] of files) zip.file(name, data, { date });
  const content = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
  });
  mkdirSync(opts.out, { recursive: true });
  const zipPath = join(opts.out, ZIP_NAME);
  writeFileSync(zipPath, content);
  console.log(zipPath);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`package-manifest: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
