import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AmbiguousTimeError, SCHEDULE_MAX, scheduleMeetings, upcomingMeetings } from '../app/meetings.js';
import { roleOf } from '../app/councils.js';
import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { MEETING_PLACE_MAX, MEETING_TITLE_MAX } from '../domain/meeting.js';
import { t } from '../i18n/index.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { date, flag, fold, optionalText, time } from './card-fields.js';
import { meetingsCard, timeChoiceCard } from './meeting-views.js';
import { respondWithCard } from './replies.js';
import { replaceCardForAll } from './shared-card.js';
import type { Notice } from './views.js';
import { withNextStep } from './next-step.js';

const meetingInput = z.object({
  date,
  start: time,
  end: time,
  place: optionalText(MEETING_PLACE_MAX),
  online: flag,
  title: optionalText(MEETING_TITLE_MAX),
  startFold: fold,
  endFold: fold,
});

/** Stable ids for what one card creates, so a retried invoke finds them instead of saving again. */
function idsFromCard(turn: ActionTurn, count: number): string[] | undefined {
  const cardId = turn.context.activity.replyToId;
  if (!cardId) return undefined;
  return Array.from({ length: count }, (_, i) =>
    createHash('sha256').update(`${turn.conversationId}\n${cardId}\n${i}`).digest('hex').slice(0, 32),
  );
}

async function answerWithUpcoming(turn: ActionTurn, notice: Notice): Promise<void> {
  const { view, meetings, more } = await upcomingMeetings(turn.kit.meetingDeps, turn.conversationId);
  const locale = view.council.locale;
  await replaceCardForAll(turn, meetingsCard(view.council, meetings, more, locale));
  await respondWithCard(turn.context, meetingsCard(view.council, meetings, more, locale, { notice }));
}

const create = defineAction({
  verb: 'meeting.create',
  schema: meetingInput,
  async run(turn, input) {
    let result;
    try {
      result = await scheduleMeetings(turn.kit.meetingDeps, {
        conversationId: turn.conversationId,
        actorId: turn.actorId,
        meetings: [input],
        ids: idsFromCard(turn, 1),
      });
    } catch (err) {
      if (!(err instanceof AmbiguousTimeError)) throw err;
      const locale = turn.council?.council.locale ?? turn.locale;
      await respondWithCard(turn.context, timeChoiceCard(locale, input, err.times, 'meeting.create', { ...input }));
      return;
    }
    await answerWithUpcoming(turn, { text: withNextStep(result.view.council.locale, t(result.view.council.locale, 'meeting.scheduled'), 'afterPlanned'), kind: 'good' });
  },
});

const confirmSchedule = defineAction({
  verb: 'meeting.confirmSchedule',
  schema: z.object({ meetings: z.array(meetingInput).min(1).max(SCHEDULE_MAX) }),
  async run(turn, input) {
    const result = await scheduleMeetings(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetings: input.meetings,
      ids: idsFromCard(turn, input.meetings.length),
    });
    const locale = result.view.council.locale;
    await answerWithUpcoming(turn, { text: withNextStep(locale, t(locale, 'schedule.saved', { count: result.meetings.length }), 'afterPlanned'), kind: 'good' });
  },
});

const cancelSchedule = defineAction({
  verb: 'meeting.cancelSchedule',
  schema: z.object({}),
  async run(turn) {
    if (!turn.council) throw new RuleError('error.notSetUp');
    // Only someone who could have saved the plan may throw it away for everybody.
    requirePermission(roleOf(turn.council, turn.actorId), 'meeting.schedule');
    await answerWithUpcoming(turn, { text: t(turn.council.council.locale, 'schedule.cancelled'), kind: 'warning' });
  },
});

export const meetingActions: CardAction[] = [create, confirmSchedule, cancelSchedule];
