import { requestExport, setDiaryNumber, setMinutesLibrary } from '../app/minutes-export.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';
import { councilConversationId } from './activity.js';

function actor(turn: CommandTurn) {
  return { conversationId: councilConversationId(turn.context.activity), actorId: turn.context.activity.from.id };
}

/**
 * "protokoll" / "exportera protokollet": the minutes of the meeting just held (a draft until
 * approved) go to the council's library as Word and Markdown (and PDF in SharePoint). It runs in
 * the background; a card with the files follows, and a failure is told and can be run again.
 */
export async function minutesCommand(turn: CommandTurn): Promise<void> {
  const { agenda, draft, sharePoint } = await requestExport(turn.kit.minutesDeps, actor(turn));
  const locale = agenda.view.council.locale;
  await turn.context.sendActivity(t(locale, draft ? 'minutes.exportingDraft' : 'minutes.exportingFinal', { where: t(locale, sharePoint ? 'minutes.whereSharePoint' : 'minutes.whereFolder') }));
}

/** "protokollbibliotek: https://region.sharepoint.com/sites/Rad/Delade dokument", or "… av". */
export async function minutesLibraryCommand(turn: CommandTurn, args: string): Promise<void> {
  const value = args.trim();
  const off = /^(av|off|ingen|none)$/i.test(value);
  if (value === '') {
    const council = turn.council?.council;
    await turn.context.sendActivity(council?.minutesLibrary ? t(turn.locale, 'minutes.librarySet', { url: council.minutesLibrary }) : t(turn.locale, 'minutes.libraryNone'));
    return;
  }
  const view = await setMinutesLibrary(turn.kit.minutesDeps, { ...actor(turn), url: off ? null : value });
  const locale = view.council.locale;
  await turn.context.sendActivity(view.council.minutesLibrary ? t(locale, 'minutes.librarySet', { url: view.council.minutesLibrary }) : t(locale, 'minutes.libraryNone'));
}

/** "diarienummer: RS 2026-00123" */
export async function diaryNumberCommand(turn: CommandTurn, args: string): Promise<void> {
  const { agenda, diaryNumber } = await setDiaryNumber(turn.kit.minutesDeps, { ...actor(turn), text: args });
  const locale = agenda.view.council.locale;
  await turn.context.sendActivity(diaryNumber ? t(locale, 'minutes.diarySaved', { number: diaryNumber }) : t(locale, 'minutes.diaryRemoved'));
}
