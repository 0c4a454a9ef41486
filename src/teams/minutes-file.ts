import { createHash } from 'node:crypto';
import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AgendaView } from '../app/agenda-view.js';
import { type MinutesFile, minutesFile } from '../app/minutes-file.js';
import type { Locale } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { formatMeetingWhen } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { type CardAction, defineAction } from './card-action.js';
import { id } from './card-fields.js';
import type { CardJson } from './card-templates.js';
import { uploadToSession } from './file-upload.js';
import { PersonalChatPendingError } from './proactive.js';
import { respondWithCard } from './replies.js';
import type { TurnKit } from './turn-kit.js';

export const FILE_CONSENT_INVOKE = 'fileConsent/invoke';
const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

/** What the consent card carries back to the bot: which minutes, so an accept after a restart still knows. */
const consentContext = z.object({ kind: z.literal('minutesFile'), meetingId: id });

/**
 * The invoke Teams sends when the person presses Allow or Decline on the consent card:
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
 */
const consentValue = z.object({
  type: z.literal('fileUpload').optional(),
  action: z.enum(['accept', 'decline']),
  context: consentContext,
  uploadInfo: z
    .object({
      contentUrl: z.string().url().max(2_000),
      name: z.string().min(1).max(400),
      uploadUrl: z.string().url().max(4_000),
      fileType: z.string().max(20).optional(),
      uniqueId: z.string().max(200).optional(),
    })
    .optional(),
});

function whenOf(agenda: AgendaView): string {
  const { locale, timeZone } = agenda.view.council;
  return formatMeetingWhen(agenda.meeting.startsAt, agenda.meeting.endsAt, locale, timeZone);
}

/** The FileConsentCard: Teams asks the person to allow the upload, then tells the bot where to put it. */
export function fileConsentActivity(file: MinutesFile): Partial<Activity> {
  const { council } = file.agenda.view;
  const when = whenOf(file.agenda);
  const context = { kind: 'minutesFile', meetingId: file.agenda.meeting.id };
  return {
    type: ActivityTypes.Message,
    text: t(council.locale, 'minutesFile.consentIntro', { when }),
    attachments: [
      {
        contentType: FILE_CONSENT_CARD,
        name: file.name,
        content: {
          description: t(council.locale, file.draft ? 'minutesFile.consentDraft' : 'minutesFile.consentFinal', { council: council.name, when }),
          sizeInBytes: file.content.byteLength,
          acceptContext: context,
          declineContext: context,
        },
      },
    ],
  };
}

/** In a group chat or channel, where a bot cannot send files: a button that starts the consent flow in the person's own chat. */
export function offerCard(agenda: AgendaView): CardJson {
  const { locale } = agenda.view.council;
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text: t(locale, 'minutesFile.offer', { when: whenOf(agenda) }), wrap: true }],
    actions: [{ type: 'Action.Execute', title: t(locale, 'minutesFile.sendToMe'), verb: 'minutes.sendFile', data: { meetingId: agenda.meeting.id } }],
  };
}

function noticeCard(locale: Locale, text: string, kind: 'good' | 'warning'): CardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text, wrap: true, color: kind === 'good' ? 'Good' : 'Warning' }],
  };
}

const sendFile = defineAction({
  verb: 'minutes.sendFile',
  schema: z.object({ meetingId: id }),
  async run(turn, data) {
    const file = await minutesFile(turn.kit.minutesDeps, { meetingId: data.meetingId, actorId: turn.actorId });
    const locale = file.agenda.view.council.locale;
    const member = file.agenda.view.members.find((m) => m.userId === turn.actorId);
    const personal = turn.kit.personal;
    if (!personal) throw new Error('no personal sender');
    let text: string;
    let kind: 'good' | 'warning' = 'warning';
    try {
      const outcome = await personal.toPerson(turn.conversationId, { userId: turn.actorId, name: member?.name ?? '', aadObjectId: member?.aadObjectId ?? null }, fileConsentActivity(file));
      text = t(locale, outcome === 'personal' || outcome === 'installed' ? 'minutesFile.offered' : 'minutesFile.unreached');
      if (outcome === 'personal' || outcome === 'installed') kind = 'good';
    } catch (err) {
      if (!(err instanceof PersonalChatPendingError)) throw err;
      text = t(locale, 'minutesFile.pending');
    }
    // The button stays on the shared card for the others; the presser sees what happened to theirs.
    await respondWithCard(turn.context, { ...offerCard(file.agenda), body: [...(offerCard(file.agenda).body as unknown[]), ...(noticeCard(locale, text, kind).body as unknown[])] });
  },
});

export const minutesFileActions: CardAction[] = [sendFile];

async function answerInvoke(context: TurnContext, status: number): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status } });
}

/**
 * Allow or Decline on the consent card. On Allow the file is made as the minutes stand now, put
 * to the upload URL, and shown with a FileInfoCard; Decline is answered and nothing changes.
 * The invoke is answered 200 either way, as Teams expects.
 */
export function fileConsentHandler(kit: TurnKit) {
  return async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const fallback = (await kit.councilAndLocale(activity)).locale;
    const parsed = consentValue.safeParse(activity.value);
    if (!parsed.success || (parsed.data.action === 'accept' && !parsed.data.uploadInfo)) {
      kit.deps.logger.warn({ conversation: activity.conversation.id }, 'file consent invoke not understood');
      await answerInvoke(context, 400);
      return;
    }
    const value = parsed.data;
    const meeting = await kit.minutesDeps.meetings.findById(value.context.meetingId);
    const council = meeting && (await kit.minutesDeps.councils.findById(meeting.councilId));
    const locale = council?.locale ?? fallback;
    if (value.action === 'decline') {
      await context.sendActivity(t(locale, 'minutesFile.declined'));
      await answerInvoke(context, 200);
      return;
    }
    let file: MinutesFile;
    try {
      file = await minutesFile(kit.minutesDeps, { meetingId: value.context.meetingId, actorId: activity.from.id });
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      await context.sendActivity(kit.ruleMessage(locale, err));
      await answerInvoke(context, 200);
      return;
    }
    const info = value.uploadInfo!;
    // Teams retries an invoke it got no answer to in time: one upload session is filled and shown once.
    const doneKey = `fileConsent/${createHash('sha256').update(info.uploadUrl).digest('base64url')}`;
    const done = async () => (await kit.deps.store.state.read([doneKey])).has(doneKey);
    if (await done()) {
      await answerInvoke(context, 200);
      return;
    }
    try {
      await uploadToSession(info.uploadUrl, file.content);
    } catch (err) {
      // The same Allow, retried while the first was uploading, finds the session complete: nothing to tell.
      if (!(await done())) {
        kit.deps.logger.warn({ err: (err as Error).message, conversation: activity.conversation.id }, 'minutes file upload failed');
        await context.sendActivity(t(locale, 'minutesFile.uploadFailed'));
      }
      await answerInvoke(context, 200);
      return;
    }
    await kit.deps.store.state.write([{ key: doneKey, data: { at: kit.deps.clock.now().toISOString() } }], kit.deps.clock.now().toISOString());
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: t(locale, 'minutesFile.sent', { when: whenOf(file.agenda) }),
      attachments: [{ contentType: FILE_INFO_CARD, contentUrl: info.contentUrl, name: info.name, content: { uniqueId: info.uniqueId, fileType: info.fileType ?? 'docx' } }],
    });
    await answerInvoke(context, 200);
  };
}
