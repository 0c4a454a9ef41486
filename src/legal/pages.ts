import type { Locale } from '../domain/council.js';
import { t } from '../i18n/index.js';
import { escapeHtml, firstHeading, markdownToHtml } from './markdown.js';
import { LEGAL_TEXTS } from './texts.js';

export type LegalPage = keyof typeof LEGAL_TEXTS;

/** The part of a page's Markdown in one language: what follows its `<!-- lang: xx -->` line, up to the next. */
export function legalMarkdown(page: LegalPage, locale: Locale, source: string = LEGAL_TEXTS[page]): string {
  const parts = source.split(/^<!-- lang: (sv|en) -->$/m);
  const at = parts.indexOf(locale);
  if (at < 0) throw new Error(`docs/${page}.md has no ${locale} part`);
  return parts[at + 1]!.trim();
}

/**
 * The language asked for: `?lang=sv|en` first, then the browser's Accept-Language by its
 * weights, else Swedish, the councils' language.
 */
export function pageLocale(lang: unknown, acceptLanguage: string | undefined): Locale {
  if (lang === 'sv' || lang === 'en') return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((l) => l.q > 0 && (l.primary === 'sv' || l.primary === 'en'))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return (ranked[0]?.primary as Locale | undefined) ?? 'sv';
}

const STYLE =
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.55;max-width:46rem;margin:0 auto;padding:1rem 1.25rem 3rem;color:#1b1b1b;background:#fff}' +
  'h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem;margin-top:2rem}li{margin:.35rem 0}a{color:#0b57a4}' +
  'code{background:#f1f1f1;padding:0 .2em;border-radius:3px}nav{font-size:.95rem}footer{margin-top:3rem;border-top:1px solid #ccc;padding-top:1rem}';

/** A whole, self-contained page: no script, no outside resource. */
export function legalPage(page: LegalPage, locale: Locale): string {
  const markdown = legalMarkdown(page, locale);
  const other: Locale = locale === 'sv' ? 'en' : 'sv';
  const otherPage: LegalPage = page === 'privacy' ? 'terms' : 'privacy';
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(firstHeading(markdown))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><nav aria-label="${escapeHtml(t(locale, 'legal.languages'))}"><a href="/${page}?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(t(other, 'legal.thisLanguage'))}</a></nav></header>`,
    '<main>',
    markdownToHtml(markdown),
    '</main>',
    `<footer><nav aria-label="${escapeHtml(t(locale, 'app.name'))}"><a href="/${otherPage}?lang=${locale}">${escapeHtml(t(locale, `legal.${otherPage}`))}</a></nav></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
