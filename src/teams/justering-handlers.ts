import { z } from 'zod';
import { type JusteringView, approveMinutes, commentOnMinutes, justeringById, justeringStatus, nameAdjusters, reopenMinutes, sendForApproval } from '../app/justering.js';
import { findDuePhrase } from '../domain/action-due.js';
import { RuleError } from '../domain/errors.js';
import { JUSTERING_DAYS_MAX } from '../domain/justering.js';
import { formatMeetingWhen, formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import { parseIsoDate } from '../domain/swedish-dates.js';
import { t } from '../i18n/index.js';
import { type CardAction, defineAction } from './card-action.js';
import { id } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { adjusterNames, justeringCard } from './justering-views.js';
import { cardActivity, respondWithCard } from './replies.js';
import { councilConversationId } from './activity.js';

function deps(turn: { kit: CommandTurn['kit'] }) {
  return { ...turn.kit.minutesDeps };
}

function whenOf(view: JusteringView): string {
  const { meeting, view: council } = view.agenda;
  return formatMeetingWhen(meeting.startsAt, meeting.endsAt, council.council.locale, council.council.timeZone);
}

/** "justerare: Björn Berg, Eva Ek" */
export async function adjustersCommand(turn: CommandTurn, args: string): Promise<void> {
  const activity = turn.context.activity;
  const actor = { conversationId: councilConversationId(activity), actorId: activity.from.id };
  const view = args.trim() === '' ? await justeringStatus(deps(turn), actor) : await nameAdjusters(deps(turn), { ...actor, names: args });
  const locale = view.agenda.view.council.locale;
  await turn.context.sendActivity(t(locale, 'justering.adjustersSet', { names: adjusterNames(view, locale) || t(locale, 'justering.noAdjusters') }));
}

/** "skicka för justering senast 10/12" (or a date as 2026-12-10) */
export async function sendForApprovalCommand(turn: CommandTurn, args: string): Promise<void> {
  const activity = turn.context.activity;
  const council = turn.council?.council;
  const today = utcToZoned(turn.kit.deps.clock.now().toISOString(), council?.timeZone ?? turn.kit.deps.defaultTimeZone).date;
  const text = args.trim();
  const iso = parseIsoDate(text.replace(/^(senast|by)\s+/i, ''));
  const phrase = iso ? undefined : findDuePhrase(/^(senast|by|före|before)\b/i.test(text) ? text : `senast ${text}`, parseIsoDate(today)!);
  const deadline = iso ? text.replace(/^(senast|by)\s+/i, '') : phrase?.due;
  if (!deadline) throw new RuleError('error.justeringDeadline', { days: JUSTERING_DAYS_MAX });
  const view = await sendForApproval(deps(turn), { conversationId: councilConversationId(activity), actorId: activity.from.id, deadline });
  const locale = view.agenda.view.council.locale;
  await turn.context.sendActivity(
    t(locale, 'justering.sent', { version: view.minutes.version, names: adjusterNames(view, locale), deadline: formatShortDate(view.minutes.deadline!, locale) }),
  );
}

/** "justering": where the minutes stand. */
export async function justeringCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const view = await justeringStatus(deps(turn), { conversationId: councilConversationId(activity), actorId: activity.from.id });
  const locale = view.agenda.view.council.locale;
  const state = t(locale, view.minutes.status === 'approved' ? 'justering.stateApproved' : view.minutes.status === 'sent' ? 'justering.stateSent' : 'justering.stateDraft');
  await turn.context.sendActivity(
    t(locale, 'justering.status', { when: whenOf(view), version: view.minutes.version, state, names: adjusterNames(view, locale) || t(locale, 'justering.noAdjusters') }),
  );
  await turn.context.sendActivity(cardActivity(justeringCard(view, activity.from.id)));
}

/** "ändra protokollet": approved minutes become a new version to change and approve again. */
export async function reopenCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const view = await reopenMinutes(deps(turn), { conversationId: councilConversationId(activity), actorId: activity.from.id });
  await turn.context.sendActivity(t(view.agenda.view.council.locale, 'justering.reopened', { version: view.minutes.version }));
}

const version = z.coerce.number().int().min(1).max(1_000_000);

const approve = defineAction({
  verb: 'minutes.approve',
  schema: z.object({ meetingId: id, version }),
  async run(turn, data) {
    const result = await approveMinutes(deps(turn), { conversationId: turn.conversationId, actorId: turn.actorId, meetingId: data.meetingId, version: data.version });
    const locale = result.view.agenda.view.council.locale;
    const text = t(locale, result.outcome === 'approved' ? 'justering.allApprovedNotice' : 'justering.approvedNotice');
    await respondWithCard(turn.context, justeringCard(result.view, turn.actorId, { text, kind: 'good' }));
  },
  async freshCard(turn, notice, data) {
    const view = await justeringStatusById(turn, data.meetingId);
    return justeringCard(view, turn.actorId, notice);
  },
});

const comment = defineAction({
  verb: 'minutes.comment',
  schema: z.object({ meetingId: id, version, mcText: z.string().max(50_000).default('') }),
  async run(turn, data) {
    const result = await commentOnMinutes(deps(turn), {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      version: data.version,
      text: data.mcText,
      clientKey: `card:${data.meetingId}:${data.version}:${turn.actorId}:${data.mcText.trim()}`.slice(0, 200),
    });
    const locale = result.view.agenda.view.council.locale;
    await respondWithCard(turn.context, justeringCard(result.view, turn.actorId, { text: t(locale, 'justering.commented'), kind: 'good' }));
  },
});

async function justeringStatusById(turn: { kit: CommandTurn['kit']; conversationId: string }, meetingId: string): Promise<JusteringView> {
  const view = await justeringById(deps(turn), meetingId, turn.conversationId);
  if (!view) throw new RuleError('error.meetingNotFound');
  return view;
}

export const justeringActions: CardAction[] = [approve, comment];
