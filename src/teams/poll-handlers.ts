import { z } from 'zod';
import { requireCouncil } from '../app/councils.js';
import { castVote, claimPollCard, closePoll, createPoll, remindNow, requireMayStartPolls, setMembersCreatePolls, showPoll } from '../app/polls.js';
import { formatShortDate, formatTime, isValidDate, isValidTime, utcToZoned, zonedToUtcChecked } from '../domain/meeting-time.js';
import { RESULTS_VISIBILITY, parsePollText } from '../domain/poll.js';
import type { Locale } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, date, flag, id, time } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { pollCard, pollFormCard } from './poll-views.js';
import { cardActivity, replaceCardForAll, respondWithCard } from './replies.js';
import { keepingId } from './posted-cards.js';
import { doneCard, type Notice } from './views.js';
import { councilConversationId } from './activity.js';

/**
 * Posts the poll's shared card and remembers the message, so votes update it in place. Teams
 * redelivers a message or invoke, and both copies find the poll: only the request that claims
 * the card posts it. False when another request has it.
 */
async function postPoll(turn: { context: ActionTurn['context']; kit: ActionTurn['kit'] }, conversationId: string, pollId: string, created: boolean): Promise<boolean> {
  const deps = turn.kit.pollDeps;
  // The request that created the poll claimed its card with it.
  if (!created && !(await claimPollCard(deps, pollId))) return false;
  try {
    const data = await showPoll(deps, { conversationId, pollId });
    const sent = await turn.context.sendActivity(keepingId(cardActivity(pollCard(data, undefined)), { kind: 'pollCard', id: pollId }));
    if (sent?.id) await deps.polls.setActivity(pollId, sent.id);
  } catch (err) {
    // Not posted after all: a retry need not wait for the claim to run out.
    await deps.polls.releaseCard(pollId);
    throw err;
  }
  return true;
}

/** "omröstning" alone: the form; "omröstning: Fråga? | Ja | Nej" (or one option per line): started at once. */
export async function pollCommand(turn: CommandTurn, args: string): Promise<void> {
  const activity = turn.context.activity;
  const conversationId = councilConversationId(activity);
  const deps = turn.kit.pollDeps;
  if (args.trim() === '') {
    const view = await requireCouncil(deps, conversationId);
    requireMayStartPolls(view, activity.from.id);
    const open = await deps.meetings.findOpen(view.council.id);
    const item = open?.currentItemId ? (await deps.meetings.agenda(open.id)).find((i) => i.id === open.currentItemId) : undefined;
    const today = utcToZoned(deps.clock.now().toISOString(), view.council.timeZone).date;
    await turn.context.sendActivity(cardActivity(pollFormCard(view, deps.newId(), today, item ? item.title : null)));
    return;
  }
  const { question, options } = parsePollText(args);
  const { poll, created } = await createPoll(deps, {
    conversationId,
    actorId: activity.from.id,
    settings: { question, options, maxChoices: 1, anonymous: false, resultsVisibility: 'live', deadline: null, remindBeforeMinutes: null },
    tieToCurrentItem: false,
    clientKey: `message:${conversationId}:${activity.id ?? ''}`,
  });
  // A retry finds the poll saved: it posts the card only if the first attempt stopped before
  // doing so (and its claim ran out), else it says the poll is there.
  const posted = poll.activityId === null && (await postPoll(turn, conversationId, poll.id, created));
  if (!created && !posted) await turn.context.sendActivity(t(turn.locale, 'poll.already'));
}

/** "medlemsomröstningar på" / "member polls off" (chair). */
export async function memberPollsCommand(turn: CommandTurn, allowed: boolean): Promise<void> {
  const activity = turn.context.activity;
  await setMembersCreatePolls(turn.kit.pollDeps, { conversationId: councilConversationId(activity), actorId: activity.from.id, allowed });
  await turn.context.sendActivity(t(turn.locale, allowed ? 'poll.membersAllowed' : 'poll.membersNotAllowed'));
}

/**
 * The deadline a chair typed, in the council's zone. The hour the clock skips in spring is
 * refused; the hour it shows twice in autumn too, since a deadline form has no way to say which.
 */
function deadlineInstant(date: string, time: string, council: { timeZone: string; locale: Locale }): string {
  const reading = zonedToUtcChecked(date, time, council.timeZone);
  if (reading.kind === 'ok') return reading.utc;
  const words = { time: formatTime(time, council.locale), date: formatShortDate(date, council.locale) };
  if (reading.kind === 'gap') {
    throw new RuleError('error.timeInGap', { ...words, from: formatTime(reading.gapStart, council.locale), to: formatTime(reading.gapEnd, council.locale) });
  }
  throw new RuleError('error.pollDeadlineAmbiguous', words);
}

const create = defineAction({
  verb: 'poll.create',
  schema: z.object({
    formId: id,
    pQuestion: z.string().max(50_000).default(''),
    pOptions: z.string().max(50_000).default(''),
    pMax: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(1000).default(1)),
    pAnonymous: flag,
    pResults: z.preprocess(blankToUndefined, z.enum(RESULTS_VISIBILITY).default('live')),
    pDate: z.preprocess(blankToUndefined, date.optional()),
    pTime: z.preprocess(blankToUndefined, time.optional()),
    pRemind: z.preprocess(blankToUndefined, z.enum(['none', '15', '60', '1440']).default('none')),
    pTie: flag,
  }),
  async run(turn, data) {
    const deps = turn.kit.pollDeps;
    const view = await requireCouncil(deps, turn.conversationId);
    // Checked before any conversion, which would roll 2027-02-30 over into March.
    if (data.pDate && !isValidDate(data.pDate)) throw new RuleError('error.invalidDate', { date: data.pDate });
    if (data.pTime && !isValidTime(data.pTime)) throw new RuleError('error.invalidTime', { time: data.pTime });
    if (!data.pDate && data.pTime) throw new RuleError('error.pollDeadlineInvalid');
    // A date without a time means the end of that working day.
    const deadline = data.pDate ? deadlineInstant(data.pDate, data.pTime ?? '17:00', view.council) : null;
    const { poll, created } = await createPoll(deps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      settings: {
        question: data.pQuestion,
        options: data.pOptions.split(/\r?\n/),
        maxChoices: data.pMax,
        anonymous: data.pAnonymous,
        resultsVisibility: data.pResults,
        deadline,
        remindBeforeMinutes: data.pRemind === 'none' ? null : Number(data.pRemind),
      },
      tieToCurrentItem: data.pTie,
      clientKey: `form:${data.formId}`,
    });
    if (poll.activityId === null) await postPoll(turn, turn.conversationId, poll.id, created);
    const locale = view.council.locale;
    // The poll's card is posted below for everyone; the form need not repeat it.
    await respondWithCard(turn.context, doneCard(t(locale, created ? 'poll.created' : 'poll.already'), t(locale, 'poll.seeBelow', { question: poll.question })));
  },
});

/** Teams sends a multi-select's values comma-separated; option ids never contain commas. */
const choices = z
  .union([z.string().max(2_000), z.array(z.string().max(64)).max(50)])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((c) => c.trim()).filter((c) => c !== ''));

const vote = defineAction({
  verb: 'poll.vote',
  schema: z.object({ pollId: id, choices }),
  async run(turn, data) {
    const { result, changed } = await castVote(turn.kit.pollDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      pollId: data.pollId,
      choices: data.choices,
      council: turn.council,
    });
    const locale = result.view.council.locale;
    await respondWithCard(turn.context, pollCard(result, turn.actorId, { text: t(locale, changed ? 'poll.voted' : 'poll.voteUnchanged'), kind: 'good' }));
  },
});

const show = defineAction({
  verb: 'poll.show',
  schema: z.object({ pollId: id }),
  async run(turn, data) {
    const shown = await showPoll(turn.kit.pollDeps, { conversationId: turn.conversationId, pollId: data.pollId, viewerId: turn.actorId });
    await respondWithCard(turn.context, pollCard(shown, turn.actorId));
  },
});

const close = defineAction({
  verb: 'poll.close',
  schema: z.object({ pollId: id }),
  async run(turn, data) {
    const closed = await closePoll(turn.kit.pollDeps, { conversationId: turn.conversationId, actorId: turn.actorId, pollId: data.pollId });
    const locale = closed.view.council.locale;
    await replaceCardForAll(turn.context, pollCard(closed, undefined));
    await respondWithCard(turn.context, pollCard(closed, turn.actorId, { text: t(locale, 'poll.closedNotice'), kind: 'good' }));
  },
});

const remind = defineAction({
  verb: 'poll.remind',
  schema: z.object({ pollId: id }),
  async run(turn, data) {
    // A retried click carries the same action id and so reminds nobody twice.
    const actionId = (turn.context.activity.value as { action?: { id?: string } } | undefined)?.action?.id ?? turn.context.activity.id ?? '';
    const count = await remindNow(turn.kit.pollDeps, { conversationId: turn.conversationId, actorId: turn.actorId, pollId: data.pollId, round: `manual-${actionId}` });
    const shown = await showPoll(turn.kit.pollDeps, { conversationId: turn.conversationId, pollId: data.pollId, viewerId: turn.actorId });
    const locale = shown.view.council.locale;
    const notice: Notice = { text: count > 0 ? t(locale, 'poll.reminded', { count }) : t(locale, 'poll.remindedNone'), kind: 'good' };
    await respondWithCard(turn.context, pollCard(shown, turn.actorId, notice));
  },
});

export const pollActions: CardAction[] = [create, vote, show, close, remind];
