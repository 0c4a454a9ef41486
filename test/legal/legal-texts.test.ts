import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { markdownToHtml } from '../../src/legal/markdown.js';
import { type LegalPage, legalMarkdown, legalPage, pageLocale } from '../../src/legal/pages.js';
import { LEGAL_TEXTS } from '../../src/legal/texts.js';
import { projectRoot } from '../support/bot-process.js';

const pages: LegalPage[] = ['privacy', 'terms'];
const locales = ['sv', 'en'] as const;
const doc = (page: LegalPage) => readFileSync(join(projectRoot, 'docs', `${page}.md`), 'utf8');

/** The words a reader sees: tags gone, entities read. */
function visibleText(html: string): string {
  return html
    .replace(/<[^<>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the privacy and terms pages', () => {
  it.each(pages)('serve exactly docs/%s.md (run `node scripts/legal-texts.mjs` after editing it)', (page) => {
    expect(LEGAL_TEXTS[page]).toBe(doc(page));
  });

  it.each(pages.flatMap((page) => locales.map((locale) => [page, locale] as const)))('show every line of %s in %s, and nothing of the other language', (page, locale) => {
    const html = legalPage(page, locale);
    const seen = visibleText(html);
    const lines = legalMarkdown(page, locale, doc(page))
      .split('\n')
      .map((l) => l.replace(/^#+ |^- /, '').replace(/\*\*|`/g, '').replace(/\[([^[\]]+)\]\([^)]+\)/g, '$1').trim())
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((l) => !seen.includes(l))).toEqual([]);
    const other = legalMarkdown(page, locale === 'sv' ? 'en' : 'sv', doc(page)).split('\n').find((l) => l.startsWith('# '))!.slice(2);
    expect(seen).not.toContain(other);
    expect(html).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${locale}">\\n<head>\\n<meta charset="utf-8">`));
  });

  it('has the same sections in both languages', () => {
    for (const page of pages) {
      const headings = (locale: 'sv' | 'en') => legalMarkdown(page, locale).split('\n').filter((l) => l.startsWith('#')).map((l) => l.split(' ')[0]);
      expect(headings('sv')).toEqual(headings('en'));
      expect(headings('sv').length).toBeGreaterThan(3);
    }
  });

  it('name the erasure text, the retention setting and the commands as the code has them', () => {
    for (const locale of locales) {
      const text = legalMarkdown('privacy', locale);
      expect(text).toContain(t(locale, 'council.erasedPerson'));
      expect(text).toContain('`RETENTION_YEARS`');
      expect(text).toContain('`npm run person -- export <id> --out');
      expect(text).toContain('`npm run person -- erase <id>`');
      expect(text).toContain('HMAC-SHA256');
    }
    const script = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).scripts.person;
    expect(script).toBe('node dist/src/person-cli.js');
  });

  it('renders headings, lists, code, strong text and links of the site, and escapes the rest', () => {
    expect(markdownToHtml('# A & B\n\nSome `x<y>` and **bold**, [here](/terms?lang=en), [away](https://example.com).\n\n- one\n- two\n  more')).toBe(
      [
        '<h1>A &amp; B</h1>',
        '<p>Some <code>x&lt;y&gt;</code> and <strong>bold</strong>, <a href="/terms?lang=en">here</a>, [away](https://example.com).</p>',
        '<ul>\n<li>one</li>\n<li>two more</li>\n</ul>',
      ].join('\n'),
    );
  });

  it('pick the language from ?lang, then Accept-Language by weight, else Swedish', () => {
    expect(pageLocale('en', 'sv')).toBe('en');
    expect(pageLocale('sv', 'en-GB')).toBe('sv');
    expect(pageLocale('de', 'en-GB,en;q=0.9')).toBe('en');
    expect(pageLocale(undefined, 'de-DE, en;q=0.5, sv;q=0.8')).toBe('sv');
    expect(pageLocale(undefined, 'fi, en-US;q=0.7')).toBe('en');
    expect(pageLocale(undefined, 'en;q=0, fi')).toBe('sv');
    expect(pageLocale(['en', 'sv'], undefined)).toBe('sv');
    expect(pageLocale(undefined, undefined)).toBe('sv');
  });
});
