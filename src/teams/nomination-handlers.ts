import { z } from 'zod';
import { requireCouncil, roleOf } from '../app/councils.js';
import { requirePermission } from '../domain/council.js';
import { answerNomination, closeRound, nominate, type NomineeInput, openRound, showRound } from '../app/nominations.js';
import { showPoll } from '../app/polls.js';
import { utcToZoned, zonedToUtc } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, date, flag, id, optionalText, version } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { nominationAskCard, roundCard, roundFormCard } from './nomination-views.js';
import { pollCard } from './poll-views.js';
import { cardActivity, respondWithCard } from './replies.js';
import { keepingId } from './posted-cards.js';
import { replaceCardForAll } from './shared-card.js';
import { doneCard, type Notice } from './views.js';
import { councilConversationId } from './activity.js';

/** "nominering": the form to open a round. */
export async function nominationCommand(turn: CommandTurn): Promise<void> {
  const deps = turn.kit.nominationDeps;
  const view = await requireCouncil(deps, councilConversationId(turn.context.activity));
  // Asked before the form, not after someone has filled it in.
  requirePermission(roleOf(view, turn.context.activity.from.id), 'meeting.run');
  const open = await deps.meetings.findOpen(view.council.id);
  const item = open?.currentItemId ? (await deps.meetings.agenda(open.id)).find((i) => i.id === open.currentItemId) : undefined;
  const today = utcToZoned(deps.clock.now().toISOString(), view.council.timeZone).date;
  await turn.context.sendActivity(cardActivity(roundFormCard(view, deps.newId(), today, item ? item.title : null)));
}

const openAction = defineAction({
  verb: 'nomination.open',
  schema: z.object({
    formId: id,
    rName: z.string().max(50_000).default(''),
    rPurpose: optionalText(50_000),
    rSeats: z.preprocess(blankToUndefined, z.coerce.number().int().min(-1000).max(1000).default(0)),
    rDate: z.preprocess(blankToUndefined, date.optional()),
    rCriteria: optionalText(50_000),
    rSelf: flag,
    rTie: flag,
  }),
  async run(turn, data) {
    const deps = turn.kit.nominationDeps;
    const view = await requireCouncil(deps, turn.conversationId);
    const result = await openRound(deps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      settings: {
        name: data.rName,
        purpose: data.rPurpose ?? '',
        seats: data.rSeats,
        // Nominations close at the end of the day given.
        deadline: data.rDate ? zonedToUtc(data.rDate, '23:59', view.council.timeZone) : null,
        selfNomination: data.rSelf,
        criteria: data.rCriteria,
      },
      tieToCurrentItem: data.rTie,
      clientKey: `form:${data.formId}`,
    });
    if (result.created) {
      const sent = await turn.context.sendActivity(keepingId(cardActivity(roundCard(result, undefined)), { kind: 'roundCard', id: result.round.id }));
      if (sent?.id) await deps.nominations.setRoundActivity(result.round.id, sent.id);
    }
    const locale = view.council.locale;
    // The round's card is posted below for everyone; the form need not repeat it.
    await respondWithCard(turn.context, doneCard(t(locale, result.created ? 'round.opened' : 'round.already'), t(locale, 'round.seeBelow', { name: result.round.name })));
  },
});

const show = defineAction({
  verb: 'nomination.show',
  schema: z.object({ roundId: id }),
  async run(turn, data) {
    await respondWithCard(turn.context, roundCard(await showRound(turn.kit.nominationDeps, { conversationId: turn.conversationId, roundId: data.roundId }), turn.actorId));
  },
});

const add = defineAction({
  verb: 'nomination.add',
  schema: z.object({
    roundId: id,
    nMember: z.preprocess(blankToUndefined, z.string().max(256).optional()),
    nName: optionalText(50_000),
    nEmail: optionalText(50_000),
    nMotivation: z.string().max(50_000).default(''),
  }),
  async run(turn, data) {
    const nominee: NomineeInput = data.nMember
      ? { kind: 'member', userId: data.nMember }
      : { kind: 'external', name: data.nName ?? '', email: data.nEmail ?? '' };
    const result = await nominate(turn.kit.nominationDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      roundId: data.roundId,
      nominee,
      motivation: data.nMotivation,
    });
    const locale = result.view.council.locale;
    const name = result.nomination.nomineeName;
    const said = [t(locale, result.created ? 'round.nominated' : 'round.nominatedAlready', { name })];
    if (result.created && result.nomination.consent === 'pending') said.push(t(locale, 'round.asked', { name }));
    await respondWithCard(turn.context, roundCard(result, turn.actorId, { text: said.join(' '), kind: result.created ? 'good' : 'warning' }));
  },
});

const answer = defineAction({
  verb: 'nomination.answer',
  schema: z.object({ nominationId: id, answer: z.enum(['accepted', 'declined']) }),
  async run(turn, data) {
    const result = await answerNomination(turn.kit.nominationDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      nominationId: data.nominationId,
      answer: data.answer,
    });
    const notice: Notice = { text: t(result.view.council.locale, 'round.answered'), kind: 'good' };
    await respondWithCard(turn.context, nominationAskCard(result, result.nomination, notice));
  },
});

async function afterClosing(turn: ActionTurn, result: Awaited<ReturnType<typeof closeRound>>): Promise<void> {
  const locale = result.view.council.locale;
  await replaceCardForAll(turn, roundCard(result, undefined));
  if (result.poll) {
    const data = await showPoll(turn.kit.pollDeps, { conversationId: turn.conversationId, pollId: result.poll.id });
    const sent = await turn.context.sendActivity(keepingId(cardActivity(pollCard(data, undefined)), { kind: 'pollCard', id: result.poll.id }));
    if (sent?.id) await turn.kit.deps.store.polls.setActivity(result.poll.id, sent.id);
  }
  const notice: Notice = result.poll
    ? { text: t(locale, 'round.pollStarted'), kind: 'good' }
    : { text: t(locale, 'round.decided', { text: result.decisionText ?? '' }), kind: 'good' };
  await respondWithCard(turn.context, roundCard(result, turn.actorId, notice));
}

const freshRound = async (turn: ActionTurn, notice: Notice, data: { roundId: string }) =>
  roundCard(await showRound(turn.kit.nominationDeps, { conversationId: turn.conversationId, roundId: data.roundId }), turn.actorId, notice);

/** Teams sends a multi-select's values comma-separated. */
const ids = z
  .union([z.string().max(5_000), z.array(z.string().max(128)).max(50)])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((c) => c.trim()).filter((c) => c !== ''));

const select = defineAction({
  verb: 'nomination.select',
  schema: z.object({ roundId: id, version, nSelected: ids }),
  async run(turn, data) {
    await afterClosing(
      turn,
      await closeRound(turn.kit.nominationDeps, {
        conversationId: turn.conversationId,
        actorId: turn.actorId,
        roundId: data.roundId,
        expectedVersion: data.version,
        closing: { kind: 'select', nominationIds: data.nSelected },
      }),
    );
  },
  freshCard: freshRound,
});

const poll = defineAction({
  verb: 'nomination.poll',
  schema: z.object({ roundId: id, version }),
  async run(turn, data) {
    await afterClosing(
      turn,
      await closeRound(turn.kit.nominationDeps, {
        conversationId: turn.conversationId,
        actorId: turn.actorId,
        roundId: data.roundId,
        expectedVersion: data.version,
        closing: { kind: 'poll' },
      }),
    );
  },
  freshCard: freshRound,
});

export const nominationActions: CardAction[] = [openAction, show, add, answer, select, poll];
