import { ROLES } from '../../src/domain/council.js';
import { knownCommands, parseCommand } from '../../src/teams/commands.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import appManifest from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { AppManifestUtils } = appManifest;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifestDir = join(root, 'manifest');
const packageScript = join(root, 'scripts', 'package-manifest.mjs');
const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
const PLACEHOLDER_HOST = '${{BOT_DOMAIN}}';
const SCHEMA_PREFIX = 'https://developer.microsoft.com/json-schemas/';

type Json = Record<string, any>;
type ValidateArgs = Parameters<typeof AppManifestUtils.validateAgainstSchema>;

const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const manifest = readJson(join(manifestDir, 'manifest.json'));
const en = readJson(join(manifestDir, 'en.json'));

// ---------------------------------------------------------------------------
// Offline schema access (the JSON schemas bundled with @microsoft/app-manifest)
// ---------------------------------------------------------------------------

const appManifestDir = dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
const bundledSchemaRoot = join(appManifestDir, 'build', 'json-schemas');

function bundledSchemaPath(schemaUrl: string): string {
  expect(schemaUrl.startsWith(SCHEMA_PREFIX)).toBe(true);
  return join(bundledSchemaRoot, schemaUrl.slice(SCHEMA_PREFIX.length));
}

/**
 * Some bundled schemas (the Localization schema) contain patterns with an
 * unescaped `]` that are valid ECMA-262 but rejected with the `u` flag AJV uses.
 * Escape such lone brackets so that the schema compiles.
 */
function unicodeSafePattern(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
    return pattern;
  } catch {
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charAt(i);
      if (c === '\\') {
        out += c + pattern.charAt(i + 1);
        i++;
      } else if (inClass) {
        if (c === ']') inClass = false;
        out += c;
      } else if (c === '[') {
        inClass = true;
        out += c;
      } else out += c === ']' ? '\\]' : c;
    }
    return out;
  }
}

function sanitizeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sanitizeSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'pattern' && typeof value === 'string') out[key] = unicodeSafePattern(value);
    else if (key === 'patternProperties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([p, s]) => [unicodeSafePattern(p), sanitizeSchema(s)]),
      );
    } else out[key] = sanitizeSchema(value);
  }
  return out;
}

function loadBundledSchema(schemaUrl: string): ValidateArgs[1] {
  const text = readFileSync(bundledSchemaPath(schemaUrl), 'utf8')
    .replace(/\\a/g, '\\u0007')
    .replace(/\\v/g, '\\u000b');
  return sanitizeSchema(JSON.parse(text)) as ValidateArgs[1];
}

async function validate(doc: Json): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(doc as ValidateArgs[0], loadBundledSchema(doc.$schema as string));
}

function newestBundledTeamsVersion(): string {
  const versions = readdirSync(join(bundledSchemaRoot, 'teams'))
    .filter((d) => /^v\d+\.\d+$/.test(d) && existsSync(join(bundledSchemaRoot, 'teams', d, 'MicrosoftTeams.schema.json')))
    .map((d) => d.slice(1).split('.').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions.at(-1);
  if (!newest) throw new Error('no bundled Teams schemas found');
  return `${newest[0]}.${newest[1]}`;
}

// ---------------------------------------------------------------------------
// Minimal PNG decoder (8-bit RGB / RGBA, non-interlaced) with all filter types
// ---------------------------------------------------------------------------

interface Png {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  interlace: number;
  channels: number;
  pixels: Uint8Array;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function decodePng(file: string): Png {
  const buf = readFileSync(file);
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    expect(buf.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(crc32(buf.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') sawEnd = true;
    offset += 12 + length;
  }
  expect(sawEnd).toBe(true);
  if (!ihdr) throw new Error(`${file}: no IHDR chunk`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr.readUInt8(8);
  const colorType = ihdr.readUInt8(9);
  const interlace = ihdr.readUInt8(12);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (bitDepth !== 8 || interlace !== 0 || channels === undefined) {
    throw new Error(`${file}: unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe((stride + 1) * height);
  const px = new Uint8Array(stride * height);
  const at = (i: number): number => px[i] ?? 0;
  for (let y = 0; y < height; y++) {
    const filter = raw.readUInt8(y * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const x = raw.readUInt8(y * (stride + 1) + 1 + i);
      const a = i >= channels ? at(y * stride + i - channels) : 0;
      const b = y > 0 ? at((y - 1) * stride + i) : 0;
      const c = y > 0 && i >= channels ? at((y - 1) * stride + i - channels) : 0;
      let pred: number;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: pred = paeth(a, b, c); break;
        default: throw new Error(`${file}: invalid filter type ${filter} in row ${y}`);
      }
      px[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return { width, height, colorType, bitDepth, interlace, channels, pixels: px };
}

function pixelAt(png: Png, i: number): [number, number, number, number] {
  const p = png.pixels;
  const o = i * png.channels;
  const v = (k: number): number => p[o + k] ?? 0;
  switch (png.colorType) {
    case 0: return [v(0), v(0), v(0), 255];
    case 2: return [v(0), v(1), v(2), 255];
    case 4: return [v(0), v(0), v(0), v(1)];
    default: return [v(0), v(1), v(2), v(3)];
  }
}

// ---------------------------------------------------------------------------
// Child-process helper for the packaging script
// ---------------------------------------------------------------------------

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runPackage(args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['BOT_ID', 'APP_ID', 'TEAMS_APP_ID', 'APP_VERSION', 'BOT_DOMAIN', 'BOT_ENDPOINT']) delete childEnv[key];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [packageScript, ...args], { cwd: root, env: childEnv }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'council-manifest-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Make sure nothing in this file reaches the network for schemas. */
beforeEach(() => {
  vi.stubGlobal('fetch', () => {
    throw new Error('network access is not allowed in manifest tests');
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

// ---------------------------------------------------------------------------

describe('manifest.json schema validation (offline)', () => {
  it('uses the newest Teams schema version bundled with @microsoft/app-manifest', () => {
    const newest = newestBundledTeamsVersion();
    expect(manifest.manifestVersion).toBe(newest);
    expect(manifest.$schema).toBe(`${SCHEMA_PREFIX}teams/v${newest}/MicrosoftTeams.schema.json`);
    expect(existsSync(bundledSchemaPath(manifest.$schema as string))).toBe(true);
  });

  it('validates against its bundled schema with zero errors', async () => {
    expect(await validate(manifest)).toEqual([]);
  });

  it('validates with the package resolving $schema itself, without network', async () => {
    expect(await AppManifestUtils.validateAgainstSchema(manifest as ValidateArgs[0])).toEqual([]);
  });

  it('the validator reports errors for a broken manifest (sanity check)', async () => {
    const broken = structuredClone(manifest);
    delete broken.bots[0].scopes;
    broken.accentColor = 'blue';
    broken.name.short = 'x'.repeat(31);
    const errors = await validate(broken);
    expect(errors.some((e) => e.includes("'scopes'"))).toBe(true);
    expect(errors.some((e) => e.startsWith('/accentColor'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/name/short'))).toBe(true);
  });

  it('has the expected identity and Swedish defaults', () => {
    expect(manifest.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(manifest.id).not.toBe(PLACEHOLDER_ID);
    expect(manifest.name).toEqual({ short: 'Rådsassistenten', full: 'Rådsassistenten – mötesstöd för råd' });
    expect(manifest.developer.name).toBe('Rådsassistenten');
    for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
      expect(manifest.developer[key]).toMatch(/^https:\/\//);
    }
    // The bot serves these pages; packaging puts the deployment's host in place of the placeholder.
    expect(manifest.developer.privacyUrl).toBe(`https://${PLACEHOLDER_HOST}/privacy`);
    expect(manifest.developer.termsOfUseUrl).toBe(`https://${PLACEHOLDER_HOST}/terms`);
    expect(manifest.accentColor).toBe('#1F4E79');
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'sv-SE',
      additionalLanguages: [{ languageTag: 'en', file: 'en.json' }],
    });
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('bot, commands and resource-specific consent', () => {
  const bot = manifest.bots[0];

  it('declares exactly one conversational bot with the placeholder id', () => {
    expect(manifest.bots).toHaveLength(1);
    expect(bot.botId).toBe(PLACEHOLDER_ID);
    // The minutes go to a person's own chat through the file consent flow, which needs it.
    expect(bot.supportsFiles).toBe(true);
    expect(bot.isNotificationOnly).toBe(false);
    expect(manifest.webApplicationInfo).toEqual({ id: PLACEHOLDER_ID, resource: `api://botid-${PLACEHOLDER_ID}` });
  });

  it('is available in team, groupChat and personal scopes', () => {
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('requests the RSC permissions to read channel and chat messages without @mention', () => {
    const rsc = manifest.authorization.permissions.resourceSpecific as Json[];
    expect(rsc).toEqual(
      expect.arrayContaining([
        { name: 'ChannelMessage.Read.Group', type: 'Application' },
        { name: 'ChatMessage.Read.Chat', type: 'Application' },
      ]),
    );
  });
});

interface CommandList {
  scopes: string[];
  commands: { title: string; description: string }[];
}

/** The limits the manifest's own schema sets on command lists. */
function commandLimits(): { lists: number; commands: number } {
  const schema = loadBundledSchema(manifest.$schema as string) as Json;
  const commandLists = schema.properties.bots.items.properties.commandLists;
  return { lists: commandLists.maxItems as number, commands: commandLists.items.properties.commands.maxItems as number };
}

/**
 * Titles that are not a command the parser knows in their language (Swedish in the manifest,
 * English in en.json), or whose English title is another command than the Swedish one.
 */
function unknownTitles(lists: readonly CommandList[], english: Json): string[] {
  const known = knownCommands();
  const knows = (title: string, language: 'sv' | 'en') => {
    const command = parseCommand(title, { addressed: true });
    return command && command.language === language && known.some((k) => k.kind === command.kind && k.language === language) ? command.kind : undefined;
  };
  return lists.flatMap((list, i) =>
    list.commands.flatMap((command, j) => {
      const swedish = knows(command.title, 'sv');
      const englishTitle = english[`bots[0].commandLists[${i}].commands[${j}].title`] as string;
      if (!swedish) return [`sv: ${command.title}`];
      return knows(englishTitle, 'en') === swedish ? [] : [`en: ${englishTitle} (for ${command.title})`];
    }),
  );
}

const kinds = (list: CommandList) => list.commands.map((c) => parseCommand(c.title, { addressed: true })?.kind);

describe('command lists', () => {
  const lists = manifest.bots[0].commandLists as CommandList[];
  const scope = (name: string) => lists.find((l) => l.scopes.includes(name))!;

  it('has one list per scope the bot is in', () => {
    expect(lists.map((l) => l.scopes)).toEqual([['team'], ['groupChat'], ['personal']]);
    expect(lists.length).toBeLessThanOrEqual(commandLimits().lists);
  });

  it('titles only commands the parser knows, Swedish in the manifest and the same commands in English in en.json', () => {
    expect(unknownTitles(lists, en)).toEqual([]);
    for (const list of lists) expect(new Set(kinds(list)).size, list.scopes.join()).toBe(list.commands.length);
  });

  it('notices a title the parser does not know and an English title for another command', () => {
    const broken = structuredClone(lists);
    broken[0]!.commands[1]!.title = 'rådsmöte';
    const english = { ...en, 'bots[0].commandLists[2].commands[0].title': 'my actions' };
    expect(unknownTitles(broken, english)).toEqual(['sv: rådsmöte', 'en: my actions (for hjälp)']);
  });

  it("offers in a channel and a group chat the meeting's most used commands, as many as the schema allows, the same in both", () => {
    const team = scope('team');
    expect(team.commands).toHaveLength(commandLimits().commands);
    expect(scope('groupChat').commands).toEqual(team.commands);
    expect(kinds(team)).toEqual(expect.arrayContaining(['help', 'agenda', 'openMeeting', 'nextItem', 'decision', 'action', 'poll', 'closeMeeting', 'minutes', 'sendForApproval']));
  });

  it('offers in the personal chat only what works there: help, your action items, the minutes and a Word agenda', () => {
    const personal = kinds(scope('personal'));
    expect(personal).toEqual(expect.arrayContaining(['help', 'myActions']));
    for (const kind of personal) expect(['help', 'myActions', 'minutes', 'agenda']).toContain(kind);
  });

  it('keeps each description short enough for the command menu', () => {
    for (const [i, list] of lists.entries()) {
      list.commands.forEach((command, j) => {
        expect(command.description.length, command.title).toBeLessThanOrEqual(80);
        expect((en[`bots[0].commandLists[${i}].commands[${j}].description`] as string).length, command.title).toBeLessThanOrEqual(80);
      });
    }
  });
});

describe('what the description says', () => {
  const swedish = `${manifest.description.short as string}\n${manifest.description.full as string}`;
  const english = `${en['description.short'] as string}\n${en['description.full'] as string}`;

  it('names the councils it is built for, and no others', () => {
    for (const text of [swedish, english]) {
      expect(text).toContain('Vårdvalsråd');
      expect(text).toContain('Samordningsråd primärvård');
      expect(text).not.toMatch(/pensionär|funktionsrätt|ungdomsråd|senior citizens|disability|youth/i);
    }
    expect(swedish).toContain('arbetsgrupper');
    expect(english).toContain('working groups');
  });

  it('tells what the bot does: agendas, the live meeting, decisions, action items, polls, nominations, justering, SharePoint and Outlook', () => {
    for (const word of ['dagordning', 'kallelse', 'Word-fil', 'levande kort', 'närvaro', 'beslutförhet', 'bordlagda', 'återremitterade', 'reservera', 'protokollsanteckning', 'Åtgärder', 'anonyma', 'nominering', 'justerarna', 'SharePoint', 'Outlook', 'påminnelse']) {
      expect(swedish.toLowerCase(), word).toContain(word.toLowerCase());
    }
    for (const word of ['agenda', 'invitation', 'Word file', 'live card', 'attendance', 'quorum', 'tabled', 'referred back', 'reservations', 'action items', 'anonymous', 'nominations', 'adjusters', 'SharePoint', 'Outlook', 'reminder']) {
      expect(english.toLowerCase(), word).toContain(word.toLowerCase());
    }
  });

  it('names only roles the bot has', () => {
    const roleWords: [RegExp, string][] = [
      [/ordförande|\bchair\b/i, 'chair'],
      [/sekreterare|secretary/i, 'secretary'],
      [/ledam|\bmembers?\b/i, 'member'],
      [/adjungerad|\bguests?\b/i, 'guest'],
      [/ersättare|substitute|deput/i, 'substitute'],
      [/vice ordförande|vice.chair/i, 'viceChair'],
    ];
    const named = roleWords.filter(([word]) => word.test(swedish) || word.test(english)).map(([, role]) => role);
    expect(named.length).toBeGreaterThan(3);
    for (const role of named) expect(ROLES as readonly string[]).toContain(role);
  });

  it('promises nothing the bot does not do', () => {
    // No collecting of matters from members, and no jäv: neither is built.
    expect(swedish).not.toMatch(/samlar in ärenden|jäv/i);
    expect(english).not.toMatch(/collects? (agenda )?items|conflicts? of interest/i);
  });

  it('says Swedish is the default and English comes through en.json', () => {
    expect(manifest.localizationInfo.defaultLanguageTag).toBe('sv-SE');
    expect(swedish).toMatch(/svenska/);
    expect(english).toMatch(/English/);
  });
});

describe('en.json localization', () => {
  const required = ['name.short', 'name.full', 'description.short', 'description.full'];

  function commandKeys(): string[] {
    const keys: string[] = [];
    (manifest.bots[0].commandLists as Json[]).forEach((list, i) => {
      (list.commands as Json[]).forEach((cmd, j) => {
        keys.push(`bots[0].commandLists[${i}].commands[${j}].title`);
        if (cmd.description !== undefined) keys.push(`bots[0].commandLists[${i}].commands[${j}].description`);
      });
    });
    return keys;
  }

  it('is the file referenced by localizationInfo and uses the matching localization schema', () => {
    expect(existsSync(join(manifestDir, 'en.json'))).toBe(true);
    expect(en.$schema).toBe(`${SCHEMA_PREFIX}teams/v${manifest.manifestVersion}/MicrosoftTeams.Localization.schema.json`);
    expect(existsSync(bundledSchemaPath(en.$schema as string))).toBe(true);
  });

  it('validates against the bundled localization schema with zero errors', async () => {
    expect(await validate(en)).toEqual([]);
  });

  it('the localization validator reports a missing key and an unknown key (sanity check)', async () => {
    const broken = structuredClone(en);
    delete broken['name.short'];
    broken['bots[0].commandLists[7].commands[0].title'] = 'nope';
    const errors = await validate(broken);
    expect(errors.some((e) => e.includes("'name.short'"))).toBe(true);
    expect(errors.some((e) => e.includes('additional properties'))).toBe(true);
  });

  it('translates names, descriptions and every command title and description', () => {
    const expected = [...required, ...commandKeys()];
    for (const key of expected) {
      expect(en, `missing key ${key}`).toHaveProperty([key]);
      expect(typeof en[key] === 'string' && en[key].trim().length > 0, `empty value for ${key}`).toBe(true);
    }
    const extra = Object.keys(en).filter((k) => k !== '$schema' && !expected.includes(k));
    expect(extra).toEqual([]);
  });

  it('uses English command names and respects manifest limits', () => {
    (manifest.bots[0].commandLists as Json[]).forEach((list, i) => {
      (list.commands as Json[]).forEach((command, j) => {
        const english = parseCommand(en[`bots[0].commandLists[${i}].commands[${j}].title`]);
        expect(english).toMatchObject({ language: 'en', kind: parseCommand(command.title)?.kind });
      });
    });
    expect(en['name.short'].length).toBeLessThanOrEqual(30);
    expect(en['name.full'].length).toBeLessThanOrEqual(100);
    expect(en['description.short'].length).toBeLessThanOrEqual(80);
    expect(en['description.full'].length).toBeLessThanOrEqual(4000);
  });
});

describe('icons', () => {
  it('color.png is a 192×192 fully opaque colour icon', () => {
    const png = decodePng(join(manifestDir, 'color.png'));
    expect([png.width, png.height]).toEqual([192, 192]);
    expect([2, 6]).toContain(png.colorType);
    const colours = new Set<string>();
    for (let i = 0; i < png.width * png.height; i++) {
      const [r, g, b, a] = pixelAt(png, i);
      expect(a).toBe(255);
      colours.add(`${r},${g},${b}`);
    }
    expect(colours.has('31,78,121')).toBe(true); // #1F4E79 background
    expect(colours.has('255,255,255')).toBe(true); // white symbol
  });

  it('outline.png is 32×32 and contains only white or fully transparent pixels', () => {
    const png = decodePng(join(manifestDir, 'outline.png'));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect([4, 6]).toContain(png.colorType); // must carry an alpha channel
    let visible = 0;
    let transparent = 0;
    for (let i = 0; i < png.width * png.height; i++) {
      const [r, g, b, a] = pixelAt(png, i);
      if (a === 0) transparent++;
      else {
        visible++;
        expect([r, g, b], `pixel ${i % 32},${Math.floor(i / 32)} must be white`).toEqual([255, 255, 255]);
      }
    }
    expect(visible).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(300);
    // The border of the icon is transparent.
    expect(pixelAt(png, 0)[3]).toBe(0);
  });
});

describe('packaging script', () => {
  const botId = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  const host = 'council-test.azurewebsites.net';
  const missingDotEnv = () => join(tempDir(), 'no-such.env');
  const packed = async (out: string, file: string) => {
    const zip = await JSZip.loadAsync(readFileSync(join(out, 'council-assistant.zip')));
    return JSON.parse(await zip.file(file)!.async('string')) as Json;
  };

  it('builds a zip with the bot id substituted and all files at the root', async () => {
    const out = tempDir();
    const res = await runPackage(['--out', out, '--dotenv', missingDotEnv()], { BOT_ID: botId, BOT_DOMAIN: host });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const zipPath = join(out, 'council-assistant.zip');
    expect(res.stdout.trim()).toBe(zipPath);

    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    expect(names).toEqual(['color.png', 'en.json', 'manifest.json', 'outline.png']);

    const packed = JSON.parse(await zip.file('manifest.json')!.async('string')) as Json;
    expect(packed.bots[0].botId).toBe(botId);
    expect(packed.webApplicationInfo).toEqual({ id: botId, resource: `api://botid-${botId}` });
    expect(packed.id).toBe(manifest.id);
    expect(packed.version).toBe(manifest.version);
    expect(JSON.stringify(packed)).not.toContain(PLACEHOLDER_ID);
    expect(await validate(packed)).toEqual([]);

    const packedEn = JSON.parse(await zip.file('en.json')!.async('string')) as Json;
    expect(packedEn).toEqual(en);
    expect(await validate(packedEn)).toEqual([]);
    for (const icon of ['color.png', 'outline.png']) {
      const bytes = await zip.file(icon)!.async('nodebuffer');
      expect(bytes.equals(readFileSync(join(manifestDir, icon))), icon).toBe(true);
    }
  });

  it("points the privacy and terms links at the deployment's own /privacy and /terms", async () => {
    const out = tempDir();
    const res = await runPackage(['--out', out, '--dotenv', missingDotEnv()], { BOT_ID: botId, BOT_DOMAIN: host });
    expect(res.code).toBe(0);
    const manifestInZip = await packed(out, 'manifest.json');
    expect(manifestInZip.developer.privacyUrl).toBe(`https://${host}/privacy`);
    expect(manifestInZip.developer.termsOfUseUrl).toBe(`https://${host}/terms`);
    expect(JSON.stringify(manifestInZip)).not.toContain('${{');
    // Everything else is the repository's manifest.
    expect({ ...manifestInZip, developer: manifest.developer, bots: manifest.bots, webApplicationInfo: manifest.webApplicationInfo }).toEqual(manifest);
  });

  it('takes the host from BOT_ENDPOINT, as the Agents Toolkit writes a dev tunnel into env/.env.local', async () => {
    const out = tempDir();
    const envFile = join(tempDir(), '.env.local');
    writeFileSync(envFile, `BOT_ID=${botId}\nBOT_ENDPOINT=https://abc123-3978.euw.devtunnels.ms\nBOT_DOMAIN=\n`);
    const res = await runPackage(['--out', out, '--dotenv', envFile], {});
    expect(res.stderr).toBe('');
    expect((await packed(out, 'manifest.json')).developer.privacyUrl).toBe('https://abc123-3978.euw.devtunnels.ms/privacy');
  });

  it('exits non-zero, writing nothing, without the bot\'s host, or with a host that is no host name', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ BOT_ID: botId }, 'BOT_DOMAIN is not set'],
      [{ BOT_ID: botId, BOT_DOMAIN: `${host}/privacy` }, 'BOT_DOMAIN must be the bot\'s host name alone'],
      [{ BOT_ID: botId, BOT_DOMAIN: 'council assistant' }, 'BOT_DOMAIN must be the bot\'s host name alone'],
      [{ BOT_ID: botId, BOT_ENDPOINT: `http://${host}` }, 'BOT_ENDPOINT must be the bot\'s https address'],
      [{ BOT_ID: botId, BOT_DOMAIN: host, BOT_ENDPOINT: 'https://elsewhere.example.org' }, 'name different hosts'],
    ];
    for (const [env, message] of cases) {
      const out = tempDir();
      const res = await runPackage(['--out', out, '--dotenv', missingDotEnv()], env);
      expect(res.code, JSON.stringify(env)).toBe(1);
      expect(res.stderr).toContain(message);
      expect(existsSync(join(out, 'council-assistant.zip'))).toBe(false);
    }
  });

  it('reads BOT_ID, APP_ID and APP_VERSION from a .env file', async () => {
    const out = tempDir();
    const envFile = join(tempDir(), '.env');
    const appId = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    writeFileSync(envFile, `# local settings\nBOT_ID="${botId}"\nBOT_DOMAIN=${host}\nexport APP_ID=${appId}\nAPP_VERSION=2.3.4 # comment\n`);
    const res = await runPackage(['--out', out, '--dotenv', envFile], {});
    expect(res.code).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(out, 'council-assistant.zip')));
    const packed = JSON.parse(await zip.file('manifest.json')!.async('string')) as Json;
    expect(packed.bots[0].botId).toBe(botId);
    expect(packed.id).toBe(appId);
    expect(packed.version).toBe('2.3.4');
  });

  it('takes the Teams app id from TEAMS_APP_ID, as the Agents Toolkit writes it into env/.env.<name>', async () => {
    const out = tempDir();
    const envFile = join(tempDir(), '.env.dev');
    const appId = 'b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    writeFileSync(envFile, `TEAMSFX_ENV=dev\nTEAMS_APP_ID=${appId}\nBOT_ID=${botId}\nBOT_DOMAIN=${host}\n`);
    const res = await runPackage(['--out', out, '--dotenv', envFile], {});
    expect(res.code).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(out, 'council-assistant.zip')));
    expect((JSON.parse(await zip.file('manifest.json')!.async('string')) as Json).id).toBe(appId);
  });

  it('exits non-zero with a clear message when BOT_ID is missing', async () => {
    const out = tempDir();
    const res = await runPackage(['--out', out, '--dotenv', missingDotEnv()], {});
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('BOT_ID is not set');
    expect(existsSync(join(out, 'council-assistant.zip'))).toBe(false);
  });

  it('exits non-zero when BOT_ID is not a GUID', async () => {
    const out = tempDir();
    const res = await runPackage(['--out', out, '--dotenv', missingDotEnv()], { BOT_ID: 'not-a-guid', BOT_DOMAIN: host });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('BOT_ID must be a GUID');
    expect(existsSync(join(out, 'council-assistant.zip'))).toBe(false);
  });
});
