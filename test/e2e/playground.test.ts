// Browser test: the compiled bot behind the Microsoft 365 Agents Playground, driven through Chromium.
//
// Runs `scripts/start-local.mjs` (bot + Playground, as `npm start` does) on free ports, opens the
// Playground in headless Chromium and talks to the bot like a user. Needs `npm run build` first
// (`npm test` does that) and Chromium: /usr/bin/chromium or CHROMIUM_PATH. Screenshots go to
// test-results/.
//
// What the Playground sends (0.2.28): conversationUpdate without a locale, so the bot greets in its
// DEFAULT_LOCALE (sv); messages with locale "en-US" whatever the browser's language, so the answer to
// "hjälp" comes in English. Both titles are accepted below.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_NAME, LocalStack, PushGate, botEntry, cardScreenshot, cards, chromiumPath, openPlayground, resultsDir, screenshot, sendToBot, soon, textMessage, typeInto, waitForCount } from '../support/playground.js';

const HELP_TITLE = /^(Det här kan Rådsassistenten|What Council Assistant can do)$/;
const WELCOME_TITLE = /^(Hej! Jag är Rådsassistenten|Hello! I am Council Assistant)$/;
/** For `filter({ hasText })`, which matches against the whole card's text. */
const WELCOME_TEXT = /Hej! Jag är Rådsassistenten|Hello! I am Council Assistant/;
const COUNCIL_NAME = 'Vårdvalsråd fysioterapi';
/** The Playground's signed-in user (playground/chair.yml), who sets the council up and so becomes its chair. */
const CHAIR_NAME = 'Anna Lindqvist';

describe('Agents Playground (browser)', () => {
  const stack = new LocalStack();
  const pushes = new PushGate();
  let browser: Browser | undefined;
  let page: Page;

  // A failed start is rethrown by every test, so the run shows failures (not skipped tests) with the reason.
  let setupError: unknown;
  function ready(): void {
    if (setupError) throw setupError;
  }

  beforeAll(async () => {
    try {
      await setUp();
    } catch (err) {
      setupError = err;
    }
  }, 120_000);

  async function setUp(): Promise<void> {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium not found at ${chromiumPath}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`,
      );
    }
    if (!existsSync(botEntry)) {
      throw new Error(`${botEntry} is missing: run "npm run build" before this test (npm test does).`);
    }
    mkdirSync(resultsDir, { recursive: true });
    await stack.start();
    ({ browser, page } = await openPlayground(stack.playgroundUrl, pushes));
  }

  afterAll(async () => {
    // The last state of the page, for diagnosing a failure.
    await page?.screenshot({ path: join(resultsDir, 'playground-last.png') }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await stack.stopAndRemove();
    // What the bot and the Playground printed, for the same purpose.
    writeFileSync(join(resultsDir, 'playground-stack.log'), stack.output);
  }, 60_000);

  it('greets in the personal chat when the bot is installed', async () => {
    ready();
    // Opening the Playground installs the bot in "Personal Chat": it answers with the personal help.
    await page.getByRole('treeitem', { name: /Personal Chat/ }).waitFor();
    await waitForCount(cards(page), 1);
    await expect(cards(page).first().getByText(HELP_TITLE).isVisible()).resolves.toBe(true);
    await screenshot(page, 'playground-install.png');
  }, 120_000);

  it('answers "hjälp" with the help card', async () => {
    ready();
    const before = await cards(page).count();
    const compose = page.locator('[contenteditable="true"][role="textbox"]');
    await compose.click();
    await page.keyboard.type('hjälp');
    await page.keyboard.press('Enter');

    // The reply is a new card after the user's message (the install greeting has the same title).
    await waitForCount(cards(page), before + 1);
    const reply = cards(page).nth(before);
    await reply.getByText(HELP_TITLE).waitFor({ state: 'visible' });
    await expect(reply.getByText(/^(help|hjälp)$/).first().isVisible()).resolves.toBe(true);
    await screenshot(page, 'playground-help.png');
  }, 120_000);

  it('shows the welcome card when the bot is added to a group chat', async () => {
    ready();
    await page.getByRole('treeitem', { name: /Vårdvalsrådet/ }).click();
    const welcome = cards(page).filter({ hasText: WELCOME_TEXT });
    await welcome.first().waitFor({ state: 'visible' });
    await expect(welcome.getByRole('button', { name: /^(Sätt upp rådet|Set up the council)$/ }).isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'playground-welcome.png');
  }, 120_000);

  it('sets the group chat up as a council from the welcome card', async () => {
    ready();
    const welcome = cards(page).filter({ hasText: WELCOME_TEXT }).first();
    const name = welcome.locator('input[type="text"]:not([role="combobox"])').first();
    // Real keystrokes: the card renderer keeps its own state from key/input events, and a
    // programmatic fill() leaves that state empty (the bot then gets no name).
    for (let attempt = 0; attempt < 5; attempt++) {
      await name.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(COUNCIL_NAME);
      if ((await name.inputValue()) === COUNCIL_NAME) break;
      await page.waitForTimeout(500);
    }
    expect(await name.inputValue()).toBe(COUNCIL_NAME);
    await welcome.getByRole('button', { name: /^(Sätt upp rådet|Set up the council)$/ }).click();

    // Action.Execute answers with the council card, which replaces the welcome card.
    await page.getByText(new RegExp(`^(Rådet|Council) ${COUNCIL_NAME}$`)).waitFor({ state: 'visible' });
    await expect(page.getByText(WELCOME_TITLE).count()).resolves.toBe(0);
    await expect(page.getByText(CHAIR_NAME).first().isVisible()).resolves.toBe(true);
    await screenshot(page, 'playground-setup.png');
  }, 120_000);

  it('shows a link someone typed as text when it echoes an unknown command', async () => {
    ready();
    const typed = '[logga in igen](https://evil.example/login) **fet**';
    await sendToBot(page, [typed]);
    // The Playground renders the person's own message as markdown; the bot's answer is plain text.
    const reply = page.locator('.fai-OutputCard').filter({ hasText: `Jag förstod inte "${typed}"` });
    await reply.first().waitFor({ state: 'visible' });
    await expect(reply.locator('a, strong').count()).resolves.toBe(0);
  }, 120_000);

  it('shows the council’s help by task, with no word broken across lines', async () => {
    ready();
    await sendToBot(page, ['hjälp']);
    const help = cards(page).filter({ hasText: 'Förbered mötet' }).last();
    await help.waitFor({ state: 'visible' });
    for (const heading of ['Under mötet', 'Efter mötet', 'Rådet']) await expect(help.getByText(heading, { exact: true }).count()).resolves.toBe(1);
    // A word the card wraps in its middle has its letters on two lines: two boxes for one word.
    const broken = await help.evaluate((card) => {
      const words: string[] = [];
      const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        // Words as the browser may break them: at spaces, and after a hyphen ("RS 2026-" "123").
        for (const match of text.matchAll(/[^\s-]+-?/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          if (new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size > 1) words.push(match[0]);
        }
      }
      return words;
    });
    expect(broken).toEqual([]);
    await cardScreenshot(page, help, 'playground-council-help.png');
  }, 120_000);

  it('plans a meeting, imports a pasted agenda, shows it and takes regrets', async () => {
    ready();
    // Needs the council from the previous test; the Group Chat is still open.

    // 1. Plan the meeting.
    await sendToBot(page, ['nytt möte 2027-12-02 13:00-16:00 Regionens hus']);
    const planned = cards(page).filter({ hasText: 'Kommande möten' }).filter({ hasText: 'Mötet är planerat.' });
    await planned.first().waitFor({ state: 'visible' });
    await expect(planned.first().getByText(/2 dec 2027|december 2027/).first().isVisible()).resolves.toBe(true);
    await screenshot(page, 'playground-meeting.png');

    // 2. Paste the agenda, one item a line.
    const agendaLines = [
      '13.00 Inledning och information',
      '13.10 Revideringsprocessen för upphandlingsunderlag 2027',
      '13.20 Allmänmedicinska frågor, Karin Jansson',
      '13.50 Nära Vård',
      '14.35 Paus',
      '15.00 Övriga frågor',
    ];
    await sendToBot(page, ['dagordning:', ...agendaLines]);
    const confirm = cards(page).filter({ hasText: 'Stämmer dagordningen?' }).last();
    await confirm.waitFor({ state: 'visible' });
    // Six items understood means the bot got six lines, not one run-together line.
    await confirm.getByText(/Jag förstod 6 punkter/).waitFor({ state: 'visible' });
    for (const title of ['Inledning och information', 'Nära Vård', 'Övriga frågor']) {
      await confirm.getByText(title, { exact: true }).waitFor({ state: 'visible' });
    }
    await expect(confirm.getByText('Rader jag inte förstod', { exact: false }).count()).resolves.toBe(0);
    await screenshot(page, 'playground-agenda-confirm.png');
    await confirm.getByRole('button', { name: 'Spara dagordningen' }).click();
    await page.getByText('Dagordningen är importerad: 6 punkter.').first().waitFor({ state: 'visible' });

    // 3. Ask for the agenda: a new card after the message.
    const before = await cards(page).count();
    await sendToBot(page, ['dagordning']);
    await waitForCount(cards(page), before + 1);
    const agenda = cards(page).nth(before);
    await agenda.getByText('Dagordning', { exact: true }).waitFor({ state: 'visible' });
    await agenda.getByText(COUNCIL_NAME, { exact: true }).waitFor({ state: 'visible' });
    await agenda.getByText('torsdag 2 december 2027, 13.00–16.00', { exact: true }).waitFor({ state: 'visible' });
    await agenda.getByText('Regionens hus', { exact: true }).waitFor({ state: 'visible' });
    for (const [time, title] of [
      ['13.00–13.10', 'Inledning och information'],
      ['13.10–13.20', 'Revideringsprocessen för upphandlingsunderlag 2027'],
      ['13.50–14.35', 'Nära Vård'],
      ['14.35–15.00', 'Paus'],
    ] as const) {
      await agenda.getByText(time, { exact: true }).waitFor({ state: 'visible' });
      await agenda.getByText(title, { exact: true }).first().waitFor({ state: 'visible' });
    }
    // The presenter stays in the title: after a leading time the parser takes ", Karin Jansson" as text.
    await agenda.getByText('Allmänmedicinska frågor, Karin Jansson', { exact: true }).waitFor({ state: 'visible' });
    await agenda.getByText('25 min', { exact: true }).waitFor({ state: 'visible' });
    const regretsButton = agenda.getByRole('button', { name: 'Återbud', exact: true });
    await regretsButton.waitFor({ state: 'visible' });
    // The Playground (0.2.28) does not run the card's refresh for the leaders ("User specific view is
    // not supported yet"), so this stays the shared view: no leader actions until someone clicks.
    // Settle a moment so the screenshots show the final render.
    await page.waitForTimeout(1_500);
    await agenda.scrollIntoViewIfNeeded();
    await screenshot(page, 'playground-agenda.png');
    await agenda.screenshot({ path: join(resultsDir, 'playground-agenda-card.png') });

    // 4. Regrets through the card's show-card.
    await regretsButton.click();
    const note = agenda.locator('textarea').first();
    await note.waitFor({ state: 'visible' });
    await typeInto(page, note, 'Jag är på tjänsteresa den dagen.');
    await agenda.getByRole('button', { name: 'Skicka återbud', exact: true }).click();
    const saved = page.getByText('Ditt återbud är registrerat.', { exact: true });
    await saved.first().waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    await screenshot(page, 'playground-regrets.png');
    const savedCard = cards(page).filter({ hasText: 'Ditt återbud är registrerat.' }).first();
    await savedCard.screenshot({ path: join(resultsDir, 'playground-regrets-card.png') });
  }, 180_000);

  it('runs a meeting: opens it, moves on, records a decision, an action item and a note, and shows the chair’s live card', async () => {
    ready();
    // Needs the council from the setup test; the Group Chat is still open.

    // 1. A meeting that starts in a few minutes: it comes before the one planned above, so the
    //    agenda import and "öppna mötet" both go to it.
    const { date, start, end } = soon();
    await sendToBot(page, [`nytt möte ${date} ${start}-${end} Regionens hus`]);
    const planned = cards(page).filter({ hasText: 'Mötet är planerat.' });
    await waitForCount(planned, 2);

    // 2. Five items and a sub-item, numbered so the nesting survives the compose box.
    const imported = page.getByText(/^Dagordningen är importerad: 6 punkter\./);
    const importedBefore = await imported.count();
    await sendToBot(page, [
      'dagordning:',
      '1. Inledning och information, 10 min',
      '2. Ekonomi, 30 min',
      '2 a. Budgetram 2027, 20 min',
      '3. Nära Vård, 25 min',
      '4. Paus, 15 min',
      '5. Övriga frågor, 10 min',
    ]);
    const confirm = cards(page).filter({ hasText: 'Stämmer dagordningen?' }).last();
    await confirm.getByText(/Jag förstod 6 punkter/).waitFor({ state: 'visible' });
    await confirm.getByText('Budgetram 2027', { exact: true }).waitFor({ state: 'visible' });
    await confirm.getByRole('button', { name: 'Spara dagordningen' }).click();
    await waitForCount(imported, importedBefore + 1);

    // 3. Open it: the live card is posted anew, with the standing item current (unnumbered, before the chair's item 1).
    const before = await cards(page).count();
    await sendToBot(page, ['öppna mötet']);
    await waitForCount(cards(page), before + 1);
    const live = cards(page).nth(before);
    await live.getByText(/^Mötet pågår sedan \d{2}\.\d{2} \(\d+ min\)\.$/).waitFor({ state: 'visible' });
    await textMessage(page, 'Mötet är öppnat. Nu: Föregående mötes protokoll och åtgärder').waitFor({ state: 'visible' });
    // The attendance card comes with the opening, prefilled, to confirm with one tap.
    const attendance = cards(page).filter({ hasText: 'Bekräfta närvaron' }).last();
    await attendance.waitFor({ state: 'visible' });
    await cardScreenshot(page, attendance, 'playground-attendance-card.png');

    // 4. On to item 1, then to the chair's item 2, Ekonomi, by its number.
    await sendToBot(page, ['nästa']);
    await textMessage(page, 'Nu: punkt 1 – Inledning och information').waitFor({ state: 'visible' });
    await sendToBot(page, ['punkt 2']);
    await textMessage(page, 'Nu: punkt 2 – Ekonomi').waitFor({ state: 'visible' });

    // 5. A decision, an action item for the chair and a note, typed in the conversation.
    await sendToBot(page, ['Beslut: Rådet godkänner budgetramen för 2027.']);
    await page.getByText('Beslut registrerat på punkt 2 – Ekonomi', { exact: true }).first().waitFor({ state: 'visible' });
    await sendToBot(page, [`Åtgärd: ${CHAIR_NAME} återkommer med kostnader senast 2030-03-01`]);
    const action = cards(page).filter({ hasText: 'Åtgärden är registrerad.' }).last();
    await action.getByText('Återkommer med kostnader', { exact: true }).waitFor({ state: 'visible' });
    await action.getByText(`${CHAIR_NAME} · senast 1 mars 2030`, { exact: false }).first().waitFor({ state: 'visible' });
    await sendToBot(page, ['Anteckning: Rådet diskuterade underlaget.']);
    await textMessage(page, 'Anteckningen är sparad på punkt 2.').waitFor({ state: 'visible' });

    // 6. The live card was updated in place: the decision and the note under item 2.
    await live.getByText('Rådet godkänner budgetramen för 2027.', { exact: true }).waitFor({ state: 'visible' });
    await live.getByText('Rådet diskuterade underlaget.', { exact: true }).waitFor({ state: 'visible' });

    // 7. The chair's own view through "Visa mina val" (the Playground runs no refresh).
    await live.getByRole('button', { name: 'Visa mina val', exact: true }).click();
    const next = live.getByRole('button', { name: 'Nästa punkt', exact: true });
    await next.waitFor({ state: 'visible' });
    for (const name of ['Föregående punkt', 'Gå till punkt', 'Avsluta mötet', 'Beslut', 'Åtgärd', 'Anteckning']) {
      await expect(live.getByRole('button', { name, exact: true }).isVisible(), name).resolves.toBe(true);
    }
    await expect(live.getByRole('button', { name: 'Visa mina val', exact: true }).count()).resolves.toBe(0);
    await live.getByText('Protokollför på punkt 2 – Ekonomi', { exact: true }).waitFor({ state: 'visible' });
    await live.getByText(/^Mötet pågår sedan /).waitFor({ state: 'visible' });
    for (const title of ['Föregående mötes protokoll och åtgärder', 'Inledning och information', 'Ekonomi', 'Budgetram 2027', 'Nära Vård', 'Paus', 'Övriga frågor']) {
      await live.getByText(title, { exact: true }).first().waitFor({ state: 'visible' });
    }
    // Under Ekonomi: "Beslut:" with the decision, and the note; the items before it have their actual times.
    await live.getByText(/^Beslut: ?Rådet godkänner budgetramen för 2027\.$/).waitFor({ state: 'visible' });
    await live.getByText('Rådet diskuterade underlaget.', { exact: true }).waitFor({ state: 'visible' });
    await expect(live.getByText(/^faktisk tid \d{2}\.\d{2}–\d{2}\.\d{2}$/).count()).resolves.toBe(2);
    await live.getByText(/^faktisk tid \d{2}\.\d{2}–$/).waitFor({ state: 'visible' });
    await page.waitForTimeout(1_000);
    await cardScreenshot(page, live, 'playground-live-meeting.png');

    // 8. The decision form behind "Beslut".
    await live.getByRole('button', { name: 'Beslut', exact: true }).click();
    const save = live.getByRole('button', { name: 'Spara beslutet', exact: true });
    await save.waitFor({ state: 'visible' });
    await live.locator('textarea').first().waitFor({ state: 'visible' });
    for (const label of ['Utfall', 'Motivering (krävs vid bordläggning och återremiss)', 'Röstning (om votering skedde)', 'För', 'Emot', 'Avstod']) {
      await live.getByText(label, { exact: true }).first().waitFor({ state: 'visible' });
    }
    await page.waitForTimeout(500);
    await cardScreenshot(page, live, 'playground-decision-form.png');
  }, 240_000);

  it('takes a named vote on a poll and a nomination to a working group', async () => {
    ready();
    // Needs the council from the setup test; the Group Chat is still open.

    // 1. A poll started by text: named, one choice, live results, not tied to the item of the
    //    meeting still running from the test above. The card has a radio button per option.
    const question = 'Ska rådet ställa sig bakom remissvaret?';
    await sendToBot(page, [`omröstning: ${question} | Ja | Nej | Avstår`]);
    const poll = cards(page).filter({ hasText: question }).last();
    const yes = poll.getByRole('radio', { name: 'Ja', exact: true });
    await yes.waitFor({ state: 'visible' });
    for (const option of ['Nej', 'Avstår']) {
      await expect(poll.getByRole('radio', { name: option, exact: true }).isVisible(), option).resolves.toBe(true);
    }
    await poll.getByText('0 av 6 har röstat', { exact: true }).waitFor({ state: 'visible' });
    await expect(poll.getByRole('button', { name: 'Visa min röst', exact: true }).isVisible()).resolves.toBe(true);

    // 2. Vote "Ja". The answer replaces the card for the voter: their choice, the notice and the
    //    results with names. The bot's update of the shared message (a couple of seconds later)
    //    would replace that again, so it is held back until the picture is taken (the answer
    //    itself comes back over HTTP, the update over the Playground's WebSocket).
    await yes.click();
    await expect(yes.isChecked()).resolves.toBe(true);
    pushes.hold();
    try {
      await poll.getByRole('button', { name: 'Rösta', exact: true }).click();
      await poll.getByText('Din röst är registrerad.', { exact: true }).waitFor({ state: 'visible' });
      await poll.getByText('1 av 6 har röstat', { exact: true }).waitFor({ state: 'visible' });
      await poll.getByText('Din röst', { exact: true }).waitFor({ state: 'visible' });
      await expect(poll.getByRole('radio', { name: 'Ja', exact: true }).isChecked()).resolves.toBe(true);
      await poll.getByText('Resultat', { exact: true }).waitFor({ state: 'visible' });
      await poll.getByText(/^█+ 100 %$/).waitFor({ state: 'visible' });
      await expect(poll.getByText(/^░+ 0 %$/).count()).resolves.toBe(2);
      await poll.getByText(CHAIR_NAME, { exact: true }).waitFor({ state: 'visible' });
      await poll.getByRole('button', { name: 'Ändra min röst', exact: true }).waitFor({ state: 'visible' });
      await page.waitForTimeout(500);
      await cardScreenshot(page, poll, 'playground-poll.png');
    } finally {
      pushes.release();
    }

    // 3. A nomination round from the form: the working group's name, two seats (the default).
    await sendToBot(page, ['nominering']);
    const form = cards(page).filter({ hasText: 'Ny nominering till en arbetsgrupp' }).last();
    const openRound = form.getByRole('button', { name: 'Öppna nomineringen', exact: true });
    await openRound.waitFor({ state: 'visible' });
    const group = 'Arbetsgruppen för förfrågningsunderlag 2027';
    await typeInto(page, form.locator('input[type="text"]').first(), group);
    await expect(form.getByRole('spinbutton').first().inputValue()).resolves.toBe('2');
    await openRound.click();
    await page.getByText('Nomineringen är öppnad.', { exact: true }).first().waitFor({ state: 'visible' });

    // 4. The round card the bot posted (the form itself turned into a short confirmation).
    const round = cards(page)
      .filter({ hasText: group })
      .filter({ hasText: /Nominerade \(\d+\)/ })
      .filter({ hasNotText: 'Nomineringen är öppnad.' })
      .filter({ hasNotText: 'har nominerat dig' })
      .last();
    await round.getByText('Nominerade (0)', { exact: true }).waitFor({ state: 'visible' });
    await round.getByText('Inga nominerade än.', { exact: true }).waitFor({ state: 'visible' });
    await round.getByRole('button', { name: 'Nominera', exact: true }).click();

    // The member picker is a filtered choice set: the Playground renders a combobox to type into.
    const member = round.getByRole('combobox').first();
    await member.waitFor({ state: 'visible' });
    await member.click();
    await page.keyboard.type(CHAIR_NAME.split(' ')[0]!);
    await page.getByRole('option', { name: CHAIR_NAME, exact: true }).click();
    await expect(member.inputValue()).resolves.toBe(CHAIR_NAME);
    await typeInto(page, round.locator('textarea').first(), 'Lång erfarenhet av upphandling och av förfrågningsunderlag i primärvården.');

    // The answer lists the nominee; the shared update is held back again. A member who nominates
    // themself has accepted already, so nobody is asked.
    pushes.hold();
    try {
      await round.getByRole('button', { name: 'Skicka nomineringen', exact: true }).click();
      await round.getByText(`Nomineringen av ${CHAIR_NAME} är registrerad.`, { exact: false }).waitFor({ state: 'visible' });
      await round.getByText('Nominerade (1)', { exact: true }).waitFor({ state: 'visible' });
      await round.getByText(CHAIR_NAME, { exact: true }).waitFor({ state: 'visible' });
      await round.getByText('Nominerade sig själv: Lång erfarenhet', { exact: false }).waitFor({ state: 'visible' });
      await round.getByText('✓ tackat ja', { exact: true }).waitFor({ state: 'visible' });
      await expect(round.getByText('får frågan', { exact: false }).count()).resolves.toBe(0);
      await page.waitForTimeout(500);
      await cardScreenshot(page, round, 'playground-nomination.png');
    } finally {
      pushes.release();
    }
  }, 180_000);
});
