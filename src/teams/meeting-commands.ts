import { AmbiguousTimeError, type MeetingInput, SCHEDULE_MAX, localInstants, scheduleMeetings, upcomingMeetings } from '../app/meetings.js';
import { roleOf } from '../app/councils.js';
import { type Council, can, requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { meetingLineProblem } from '../domain/meeting-line.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { type ParsedMeeting, parseScheduleText } from '../domain/schedule-text.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';
import { meetingFormCard, meetingsCard, scheduleConfirmCard, timeChoiceCard } from './meeting-views.js';
import { cardActivity } from './replies.js';
import { councilConversationId } from './activity.js';
import { withNextStep } from './next-step.js';
import { exampleMeetingDay } from './example-dates.js';

/** Pasted plans often give dates only; such meetings get the usual afternoon slot, shown before saving. */
const DEFAULT_START = '13:00';
const DEFAULT_END = '16:00';

function requireCouncilView(turn: CommandTurn) {
  if (!turn.council) throw new RuleError('error.notSetUp');
  return turn.council;
}

function today(turn: CommandTurn): string {
  const council = requireCouncilView(turn).council;
  return utcToZoned(turn.kit.deps.clock.now().toISOString(), council.timeZone).date;
}

function toInput(m: ParsedMeeting, start = m.start, end = m.end): MeetingInput {
  return { date: m.date, start: start ?? DEFAULT_START, end: end ?? DEFAULT_END, place: m.place ?? null, online: m.online, title: m.title ?? null };
}

export async function listMeetings(turn: CommandTurn): Promise<void> {
  const { view, meetings, more } = await upcomingMeetings(turn.kit.meetingDeps, councilConversationId(turn.context.activity));
  const mayPlan = can(roleOf(view, turn.context.activity.from.id), 'meeting.schedule');
  await turn.context.sendActivity(cardActivity(meetingsCard(view.council, meetings, more, turn.locale, { howTo: mayPlan ? exampleMeetingDay(turn.kit.deps.clock, view.council.timeZone) : undefined })));
}

export async function newMeeting(turn: CommandTurn, args: string): Promise<void> {
  const view = requireCouncilView(turn);
  const { context, locale } = turn;
  requirePermission(roleOf(view, context.activity.from.id), 'meeting.schedule');
  if (args.trim() === '') {
    await context.sendActivity(cardActivity(meetingFormCard(locale)));
    return;
  }
  const parsed = parseScheduleText(args, { today: today(turn) });
  const [only] = parsed.meetings;
  if (parsed.meetings.length !== 1 || !only) {
    const problem = meetingLineProblem(args);
    if (problem.kind === 'invalidDate') throw new RuleError('error.invalidDate', { date: problem.date });
    if (problem.kind === 'endBeforeStart') throw new RuleError('error.meetingEndBeforeStart');
    await context.sendActivity(t(locale, 'newMeeting.notUnderstood', { text: args.slice(0, 120), date: exampleMeetingDay(turn.kit.deps.clock, view.council.timeZone) }));
    await context.sendActivity(cardActivity(meetingFormCard(locale)));
    return;
  }
  if (!only.start || !only.end) {
    const notice = { text: t(locale, 'error.meetingNeedsTimes'), kind: 'attention' as const };
    await context.sendActivity(cardActivity(meetingFormCard(locale, toInput(only), notice)));
    return;
  }
  const input = toInput(only);
  let result;
  try {
    result = await scheduleMeetings(turn.kit.meetingDeps, {
      conversationId: councilConversationId(context.activity),
      actorId: context.activity.from.id,
      meetings: [input],
    });
  } catch (err) {
    if (!(err instanceof AmbiguousTimeError)) throw err;
    // The card's answer goes through the form's own action, which checks everything again.
    await context.sendActivity(cardActivity(timeChoiceCard(view.council.locale, input, err.times, 'meeting.create', { ...input })));
    return;
  }
  const upcoming = await upcomingMeetings(turn.kit.meetingDeps, councilConversationId(context.activity));
  const notice = { text: withNextStep(locale, t(locale, 'meeting.scheduled'), 'afterPlanned'), kind: 'good' as const };
  await context.sendActivity(cardActivity(meetingsCard(result.view.council, upcoming.meetings, upcoming.more, locale, { notice })));
}

/** A pasted plan as it would be saved; a plan is confirmed as a whole, so a time that night skips or shows twice is named now. */
export function plannedInputs(council: Council, meetings: readonly ParsedMeeting[]): MeetingInput[] {
  if (meetings.length > SCHEDULE_MAX) throw new RuleError('error.scheduleTooLong', { max: SCHEDULE_MAX });
  const inputs = meetings.map((m) => toInput(m));
  for (const input of inputs) {
    try {
      localInstants(council, input);
    } catch (err) {
      if (!(err instanceof AmbiguousTimeError)) throw err;
      throw new RuleError('error.scheduleTimeAmbiguous', { date: err.params.date!, time: err.params.time! });
    }
  }
  return inputs;
}

export async function pasteSchedule(turn: CommandTurn, args: string): Promise<void> {
  const view = requireCouncilView(turn);
  const { context, locale } = turn;
  requirePermission(roleOf(view, context.activity.from.id), 'meeting.schedule');
  const parsed = parseScheduleText(args, { today: today(turn) });
  if (parsed.meetings.length === 0) {
    await context.sendActivity(t(locale, 'schedule.nothing', { date: exampleMeetingDay(turn.kit.deps.clock, view.council.timeZone) }));
    return;
  }
  const inputs = plannedInputs(view.council, parsed.meetings);
  const unparsed = parsed.unparsed.map((u) => u.text);
  await context.sendActivity(cardActivity(scheduleConfirmCard(view.council, inputs, unparsed, locale)));
}
