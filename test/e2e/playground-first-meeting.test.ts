// Browser test: a chair's first meeting in the Agents Playground, as the README's walkthrough tells
// it, with a screenshot of every step (test-results/first-meeting-NN-*.png). Then the Playground is
// restarted as a member on the same data, as the README says to do, to see what a member sees.
//
// Needs `npm run build` first (`npm test` does that) and Chromium, as test/e2e/playground.test.ts.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { docxText } from '../support/docx-text.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalStack,
  PushGate,
  botEntry,
  cardScreenshot,
  cards,
  chromiumPath,
  openPlayground,
  resultsDir,
  screenshot,
  sendToBot,
  soon,
  typeInto,
  waitForCount,
} from '../support/playground.js';

const COUNCIL = 'Vårdvalsrådet';
/** playground/chair.yml and playground/member.yml. */
const CHAIR = 'Anna Lindqvist';
const MEMBER = 'Erik Holm';

/** The agenda as the README's walkthrough pastes it, with the chair's own numbers. */
const AGENDA = [
  'dagordning:',
  '1. Mötets öppnande',
  '2. Ekonomi',
  '2 a. Budget 2027',
  '2 b. Investeringar',
  '3. Digitala vårdbesök',
  '4. Övriga frågor och mötets avslutande',
];

/** The newest card holding `text`, once it is there. */
async function newest(page: Page, text: string | RegExp): Promise<Locator> {
  const card = cards(page).filter({ hasText: text }).last();
  await card.waitFor({ state: 'visible' });
  return card;
}

/** Sends `lines` and waits for the first new card that holds `answer`. */
async function ask(page: Page, lines: readonly string[], answer: string | RegExp): Promise<Locator> {
  const matching = cards(page).filter({ hasText: answer });
  const before = await matching.count();
  await sendToBot(page, lines);
  await waitForCount(matching, before + 1);
  return matching.nth(before);
}

describe('a first meeting in the Agents Playground, step by step', () => {
  const stack = new LocalStack();
  const pushes = new PushGate();
  let browser: Browser | undefined;
  let page: Page;
  let setupError: unknown;
  function ready(): void {
    if (setupError) throw setupError;
  }

  async function open(as: 'chair' | 'member'): Promise<void> {
    await browser?.close().catch(() => undefined);
    await stack.start(as);
    ({ browser, page } = await openPlayground(stack.playgroundUrl, pushes));
  }

  beforeAll(async () => {
    try {
      if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium, or set CHROMIUM_PATH.`);
      if (!existsSync(botEntry)) throw new Error(`${botEntry} is missing: run "npm run build" first.`);
      mkdirSync(resultsDir, { recursive: true });
      await open('chair');
    } catch (err) {
      setupError = err;
    }
  }, 120_000);

  afterAll(async () => {
    await page?.screenshot({ path: join(resultsDir, 'first-meeting-last.png') }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await stack.stopAndRemove();
    writeFileSync(join(resultsDir, 'first-meeting-stack.log'), stack.output);
  }, 60_000);

  it('sets the group chat up as a council', async () => {
    ready();
    await page.getByRole('treeitem', { name: new RegExp(COUNCIL) }).click();
    const welcome = await newest(page, /Hej! Jag är Rådsassistenten/);
    await typeInto(page, welcome.locator('input[type="text"]:not([role="combobox"])').first(), COUNCIL);
    await welcome.getByRole('button', { name: 'Sätt upp rådet' }).click();
    const council = await newest(page, `Rådet ${COUNCIL}`);
    await council.getByText(CHAIR).first().waitFor({ state: 'visible' });
    await council.getByText(MEMBER).first().waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    await cardScreenshot(page, council, 'first-meeting-01-council.png');
  }, 120_000);

  it('plans a meeting that starts in a few minutes and pastes its agenda', async () => {
    ready();
    const { date, start, end } = soon();
    const planned = await ask(page, [`nytt möte ${date} ${start}-${end} Regionens hus`], 'Mötet är planerat.');
    await cardScreenshot(page, planned, 'first-meeting-02-planned.png');

    const confirm = await ask(page, AGENDA, 'Stämmer dagordningen?');
    await confirm.getByText(/Jag förstod 6 punkter/).waitFor({ state: 'visible' });
    await confirm.getByText('Budget 2027', { exact: true }).waitFor({ state: 'visible' });
    await cardScreenshot(page, confirm, 'first-meeting-03-agenda-confirm.png');
    await confirm.getByRole('button', { name: 'Spara dagordningen' }).click();
    await page.getByText(/Dagordningen är importerad: 6 punkter\./).first().waitFor({ state: 'visible' });
  }, 180_000);

  it('opens the meeting and confirms the attendance with one tap', async () => {
    ready();
    const live = await ask(page, ['öppna mötet'], /Mötet pågår sedan/);
    const attendance = await newest(page, 'Bekräfta närvaron');
    await attendance.getByText(/öppnade mötet \d{2}\.\d{2}/).first().waitFor({ state: 'visible' });
    await cardScreenshot(page, attendance, 'first-meeting-04-attendance.png');
    await attendance.getByRole('button', { name: 'Bekräfta närvaron', exact: true }).click();
    await page.getByText('Närvaron är sparad.').first().waitFor({ state: 'visible' });
    await page.waitForTimeout(1_000);
    await cardScreenshot(page, live, 'first-meeting-05-live.png');
  }, 180_000);

  it('records a decision on the chair’s item 2 a', async () => {
    ready();
    await sendToBot(page, ['punkt 2 a']);
    await page.getByText(/Nu: punkt 2 a – Budget 2027/).first().waitFor({ state: 'visible' });
    const decision = await ask(page, ['Beslut: Rådet godkänner budgeten för 2027.'], 'Rådet godkänner budgeten för 2027.');
    await decision.getByText(/2 a/).first().waitFor({ state: 'visible' });
    await cardScreenshot(page, decision, 'first-meeting-06-decision.png');
  }, 180_000);

  it('holds a poll on the current item, votes in it and closes it', async () => {
    ready();
    const question = 'Ska rådet yttra sig över remissen?';
    const poll = await ask(page, [`omröstning: ${question} | Ja | Nej`], question);
    await poll.getByRole('radio', { name: 'Ja', exact: true }).click();
    pushes.hold();
    try {
      await poll.getByRole('button', { name: 'Rösta', exact: true }).click();
      await poll.getByText('Din röst är registrerad.', { exact: true }).waitFor({ state: 'visible' });
      await page.waitForTimeout(500);
      await cardScreenshot(page, poll, 'first-meeting-07-poll.png');
    } finally {
      pushes.release();
    }
    // The shared card comes back; the chair's own view ("Visa min röst") has the close.
    await poll.getByText('Visa min röst', { exact: true }).click();
    await poll.getByText('Stäng omröstningen', { exact: true }).click();
    await poll.getByText('Stäng nu', { exact: true }).click();
    await page.getByText('Omröstningen är stängd.').first().waitFor({ state: 'visible' });
  }, 180_000);

  it('closes the meeting with a choice per item left', async () => {
    ready();
    const closing = await ask(page, ['avsluta mötet'], /har inte behandlats/);
    await closing.getByText(/Digitala vårdbesök/).first().waitFor({ state: 'visible' });
    await cardScreenshot(page, closing, 'first-meeting-08-closing.png');
    await closing.getByRole('button', { name: 'Avsluta mötet', exact: true }).click();
    // The closed notice is a message of its own at the bottom of the chat.
    const closed = page.locator('.fai-OutputCard').filter({ hasText: /Mötet avslutades \d{2}\.\d{2}/ }).filter({ hasText: /Nästa steg/ }).last();
    await closed.waitFor({ state: 'visible' });
    await cardScreenshot(page, closed, 'first-meeting-09-closed.png');
  }, 180_000);

  it('plans the next meeting after the close: the tabled item is on its agenda', async () => {
    ready();
    await ask(page, ['nytt möte 2027-12-09 13:00-16:00 Regionens hus'], 'Mötet är planerat.');
    // The meeting just closed is the latest held; "dagordning" shows the next one.
    const agenda = await ask(page, ['dagordning'], 'Dagordning');
    await agenda.getByText(/Digitala vårdbesök/).first().waitFor({ state: 'visible' });
    await cardScreenshot(page, agenda, 'first-meeting-10-next-agenda.png');
    await agenda.getByText(/Bordlagt \d{4}-\d{2}-\d{2}/).first().waitFor({ state: 'visible' });
  }, 180_000);

  it('answers "protokoll" with the minutes to open: the Word file comes through the link', async () => {
    ready();
    const files = await ask(page, ['protokoll'], /Protokollsutkastet från/);
    await page.waitForTimeout(500);
    await screenshot(page, 'first-meeting-11-minutes.png');
    // The Playground opens an Action.OpenUrl with window.open: the link is taken from that call.
    await page.evaluate(() => {
      const opened: string[] = [];
      (window as unknown as { opened: string[] }).opened = opened;
      window.open = (url?: string | URL) => {
        opened.push(String(url));
        return null;
      };
    });
    await files.getByText('Öppna DOCX', { exact: true }).click();
    await page.waitForFunction(() => (window as unknown as { opened: string[] }).opened.length > 0);
    const link = await page.evaluate(() => (window as unknown as { opened: string[] }).opened[0]!);
    expect(link).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/files\//);
    const response = await page.request.get(link);
    expect(response.status()).toBe(200);
    const docx = await response.body();
    writeFileSync(join(resultsDir, 'first-meeting-minutes.docx'), docx);
    const text = await docxText(docx);
    // The chair who ran the meeting is present, the decision sits under the chair's 2 a, and the
    // poll names its item.
    expect(text).toMatch(/Närvarande\n(?:.*\n)*?Anna Lindqvist, ordförande\n/);
    expect(text).toMatch(/2 a\. Budget 2027\n(?:.*\n)*?.*Rådet godkänner budgeten för 2027\./);
    expect(text).toContain('Punkt 2 a – Budget 2027');
    expect(text).toMatch(/Bordlagda och återremitterade ärenden\n(?:.*\n)*?.*Digitala vårdbesök/);
  }, 180_000);

  it('reads a table pasted as Word puts it on the clipboard as text: a cell a tab, a row a line', async () => {
    ready();
    // The Playground sends plain text only (Teams would send the pasted table as HTML too), and its
    // compose box drops line breaks: the rows are joined with "<br>", the cells with tabs.
    const rows = [
      'Punkt\tÄrende\tTid\tFöredragande',
      '1\tMötets öppnande\t13.00–13.05\tAnna Lindqvist',
      '2\tDigitala vårdbesök – uppföljning\t13.05–13.45\tErik Holm och Sara Nyström',
      '2 a\tStatistik för hösten\t13.45–14.00\tJohan Ek',
      '3\tÖvriga frågor\t14.00–14.10\t',
    ];
    const before = await cards(page).filter({ hasText: 'Stämmer dagordningen?' }).count();
    await page.locator('[contenteditable="true"][role="textbox"]').click();
    await page.keyboard.type('@');
    await page.getByRole('menuitem', { name: 'Rådsassistenten' }).click();
    await page.keyboard.insertText(` dagordning:<br>${rows.join('<br>')}`);
    await page.keyboard.press('Enter');
    await waitForCount(cards(page).filter({ hasText: 'Stämmer dagordningen?' }), before + 1);
    const confirm = cards(page).filter({ hasText: 'Stämmer dagordningen?' }).nth(before);
    await confirm.getByText(/Jag förstod 4 punkter/).waitFor({ state: 'visible' });
    for (const text of ['Digitala vårdbesök – uppföljning', 'Statistik för hösten', /Erik Holm, Sara Nyström/, /13\.45–14\.00/]) {
      await confirm.getByText(text).first().waitFor({ state: 'visible' });
    }
    await expect(confirm.getByText('Punkt', { exact: true }).count()).resolves.toBe(0);
    await cardScreenshot(page, confirm, 'first-meeting-13-table-confirm.png');
  }, 180_000);

  it('restarted as a member on the same data, shows the member what the council holds', async () => {
    ready();
    await stack.stop();
    await open('member');
    await page.getByRole('treeitem', { name: new RegExp(COUNCIL) }).click();
    const council = await ask(page, ['rådet'], `Rådet ${COUNCIL}`);
    await council.getByText(CHAIR).first().waitFor({ state: 'visible' });
    await expect(cards(page).filter({ hasText: /Hej! Jag är Rådsassistenten/ }).count()).resolves.toBe(0);
    await cardScreenshot(page, council, 'first-meeting-12-member.png');
  }, 180_000);
});
