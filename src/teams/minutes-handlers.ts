import { requestExport, setDiaryNumber, setMinutesLibrary } from '../app/minutes-export.js';
import { meetingForMinutes } from '../app/minutes.js';
import { minutesFileForPerson, savedMinutesForPerson } from '../app/minutes-file.js';
import { formatMeetingWhen } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';
import { conversationKind, councilConversationId } from './activity.js';
import { exportedCard } from './justering-views.js';
import { fileConsentActivity, offerCard } from './minutes-file.js';
import { cardActivity } from './replies.js';

function actor(turn: CommandTurn) {
  return { conversationId: councilConversationId(turn.context.activity), actorId: turn.context.activity.from.id };
}

/**
 * "protokoll": the minutes, to open. With the council's SharePoint library they are saved there
 * and linked (approved minutes already saved are linked at once; a draft is saved again, since it
 * changes until approved). Without it, Teams gets the Word file to the person through the file
 * consent flow: at once in their own chat, by a button in a group chat or channel, where bots
 * cannot send files. In local mode the bot's own server links the files it wrote.
 */
export async function openMinutesCommand(turn: CommandTurn): Promise<void> {
  const { kit, context } = turn;
  const council = turn.council?.council;
  const sharePoint = Boolean(council?.minutesLibrary && kit.minutesDeps.sharePoint);
  if (sharePoint && (await linkSavedMinutes(turn))) return;
  const personal = conversationKind(context.activity) === 'personal' && !council;
  if (personal && kit.deps.fileLinks) {
    await context.sendActivity(cardActivity(await linkedInPersonalChat(turn, kit.deps.fileLinks)));
    return;
  }
  if (sharePoint || kit.deps.fileLinks) {
    await minutesCommand(turn);
    return;
  }
  if (personal) {
    await context.sendActivity(fileConsentActivity(await minutesFileForPerson(kit.minutesDeps, context.activity.from.id)));
    return;
  }
  await context.sendActivity(cardActivity(offerCard(await meetingForMinutes(kit.minutesDeps, actor(turn)))));
}

/** Local mode, in the person's own chat (no council there, so no export card follows): written now, and linked. */
async function linkedInPersonalChat(turn: CommandTurn, links: { urlFor(file: string): string | undefined }) {
  const saved = await savedMinutesForPerson(turn.kit.minutesDeps, turn.context.activity.from.id);
  const { locale, timeZone } = saved.agenda.view.council;
  const when = formatMeetingWhen(saved.agenda.meeting.startsAt, saved.agenda.meeting.endsAt, locale, timeZone);
  const word = saved.files.find((f) => f.name.endsWith('.docx'));
  const said = t(locale, saved.draft ? 'minutes.exportedDraft' : 'minutes.exportedFinal', { when, where: saved.where });
  const message = word ? `${said} ${t(locale, 'minutesFile.localReady', { path: word.id })}` : said;
  return exportedCard(locale, message, saved.files.map((f) => ({ name: f.name, webUrl: links.urlFor(f.webUrl) ?? f.webUrl })));
}

/** Approved minutes saved to SharePoint as they stand: their links, without saving them again. */
async function linkSavedMinutes(turn: CommandTurn): Promise<boolean> {
  const agenda = await meetingForMinutes(turn.kit.minutesDeps, actor(turn));
  const record = await turn.kit.minutesDeps.justering.find(agenda.meeting.id);
  const saved = record?.export;
  if (record?.status !== 'approved' || saved?.status !== 'done' || !saved.files.some((f) => f.webUrl.startsWith('https://'))) return false;
  const { locale, timeZone } = agenda.view.council;
  const when = formatMeetingWhen(agenda.meeting.startsAt, agenda.meeting.endsAt, locale, timeZone);
  await turn.context.sendActivity(cardActivity(exportedCard(locale, t(locale, 'minutes.exportedFinal', { when, where: saved.detail ?? '' }), saved.files)));
  return true;
}

/**
 * "exportera protokollet" (and "protokoll" where the files are linked): the minutes of the
 * meeting just held (a draft until approved) go to the council's library as Word and Markdown (and PDF in SharePoint). It runs in
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
