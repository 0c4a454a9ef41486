import type { Locale } from '../domain/council.js';
import { en } from './en.js';
import { type MessageKey, sv } from './sv.js';

export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { sv, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(sv, key);
}

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
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
