import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';

export type CardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export const TEMPLATE_NAMES = ['welcome', 'help', 'error', 'council', 'meetings', 'meeting-form', 'schedule-confirm', 'agenda', 'agenda-confirm', 'decision', 'actions', 'attendance', 'poll', 'poll-form', 'nomination', 'nomination-form', 'nomination-ask', 'done', 'meeting-reminder', 'justering', 'time-choice', 'meeting-choice', 'meeting-close'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

function findTemplatesDir(): string {
  // Works from src/ (tests) and from dist/src/ (compiled) alike.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'adaptive-cards');
    try {
      readFileSync(join(candidate, 'help.json'));
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('adaptive-cards/ directory not found');
}

export const templatesDir = findTemplatesDir();
const cache = new Map<TemplateName, ACData.Template>();

function template(name: TemplateName): ACData.Template {
  let t = cache.get(name);
  if (!t) {
    t = new ACData.Template(JSON.parse(readFileSync(join(templatesDir, `${name}.json`), 'utf8')));
    cache.set(name, t);
  }
  return t;
}

/** `$when` on an object property leaves a null behind; Teams rejects some of those, so drop them. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(prune);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[k] = prune(v);
    }
    return out;
  }
  return value;
}

export function renderTemplate(name: TemplateName, data: object): CardJson {
  return prune(template(name).expand({ $root: data })) as CardJson;
}
