import type { Locale } from '../domain/council.js';
import { en } from './en.js';
import { type MessageKey, sv } from './sv.js';

export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { sv, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(sv, key);
}

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale][pluralKey(locale, key, params.count)];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

const pluralRules: Record<Locale, Intl.PluralRules> = { sv: new Intl.PluralRules('sv'), en: new Intl.PluralRules('en') };

/**
 * A message with a {count} may have a singular form under `key.one` ("1 punkt", not "1 punkter");
 * the language's own plural rules pick it, so every caller passing a count gets it right.
 */
function pluralKey(locale: Locale, key: MessageKey, count: string | number | undefined): MessageKey {
  if (typeof count !== 'number') return key;
  const singular = `${key}.one`;
  return pluralRules[locale].select(count) === 'one' && isMessageKey(singular) ? singular : key;
}

/** Teams sends BCP-47 tags such as "sv-SE" or "en-US"; anything not Swedish or English falls back. */
export function localeFromTag(tag: string | undefined, fallback: Locale): Locale {
  const lang = tag?.toLowerCase().split(/[-_]/)[0];
  if (lang === 'sv' || lang === 'en') return lang;
  return fallback;
}

export type Translator = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => t(locale, key, params);
}
