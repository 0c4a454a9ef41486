import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../src/legal/markdown.js';
import { type LegalPage, legalMarkdown } from '../../src/legal/pages.js';
import { BotProcess, projectRoot } from '../support/bot-process.js';

/** What docs/<page>.md says in that language, rendered: the running bot must serve exactly this. */
function fromRepository(page: LegalPage, locale: 'sv' | 'en'): string {
  return markdownToHtml(legalMarkdown(page, locale, readFileSync(join(projectRoot, 'docs', `${page}.md`), 'utf8')));
}

describe('the privacy and terms pages of the running bot', () => {
  let bot: BotProcess;

  beforeAll(async () => {
    bot = await new BotProcess().start();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  async function get(path: string, acceptLanguage?: string) {
    const res = await fetch(`${bot.url}${path}`, { headers: acceptLanguage ? { 'Accept-Language': acceptLanguage } : {} });
    return { status: res.status, type: res.headers.get('content-type'), language: res.headers.get('content-language'), body: await res.text() };
  }

  it('serves the privacy notice in Swedish by default, as UTF-8 HTML, linking to the English one', async () => {
    const page = await get('/privacy');
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', language: 'sv' });
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body).toContain('<meta charset="utf-8">');
    expect(page.body).toContain('<title>Integritet och personuppgifter – Rådsassistenten</title>');
    expect(page.body).toContain(fromRepository('privacy', 'sv'));
    expect(page.body).toContain('Borttagen person');
    expect(page.body).toContain('<a href="/privacy?lang=en" hreflang="en" lang="en">In English</a>');
    expect(page.body).toContain('<a href="/terms?lang=sv">Användarvillkor</a>');
  });

  it('serves it in English when asked with ?lang=en or by the browser, linking back to Swedish', async () => {
    for (const page of [await get('/privacy?lang=en'), await get('/privacy', 'en-GB,en;q=0.9,sv;q=0.5')]) {
      expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', language: 'en' });
      expect(page.body).toContain('<html lang="en">');
      expect(page.body).toContain(fromRepository('privacy', 'en'));
      expect(page.body).toContain('Removed person');
      expect(page.body).toContain('<a href="/privacy?lang=sv" hreflang="sv" lang="sv">På svenska</a>');
      expect(page.body).not.toContain('Personuppgiftsansvarig');
    }
    // ?lang wins over the browser; a language the pages do not have falls back.
    expect((await get('/privacy?lang=sv', 'en')).language).toBe('sv');
    expect((await get('/privacy?lang=fi', 'fi, en;q=0.8')).language).toBe('en');
  });

  it('serves the terms of use in both languages', async () => {
    const sv = await get('/terms');
    expect(sv).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', language: 'sv' });
    expect(sv.body).toContain(fromRepository('terms', 'sv'));
    const en = await get('/terms?lang=en');
    expect(en).toMatchObject({ status: 200, language: 'en' });
    expect(en.body).toContain(fromRepository('terms', 'en'));
    expect(en.body).toContain('<a href="/privacy?lang=en">Privacy and personal data</a>');
  });
});
