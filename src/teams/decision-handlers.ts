import { z } from 'zod';
import { addProtocolNote, decisionView, editDecision, recordDecision, reserveAgainst, undoDecision } from '../app/decisions.js';
import { DECISION_OUTCOMES, type DecisionInput, parseDecisionText } from '../domain/decision.js';
import { t } from '../i18n/index.js';
import { agendaCard } from './agenda-views.js';
import { updatePostedCard } from './agenda-actions.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, id, version } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { decisionCard } from './decision-views.js';
import { cardActivity, replaceCardForAll, respondWithCard } from './replies.js';
import type { Notice } from './views.js';
import { councilConversationId } from './activity.js';

/** Vote counts from Input.Number: all blank is no vote; a count left blank beside others is 0. */
const count = z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(100_000).optional());

/** The decision form's inputs; the text is checked by the domain, which answers in the council's language. */
export const decisionFields = z
  .object({
    dText: z.string().max(50_000).default(''),
    dOutcome: z.preprocess(blankToUndefined, z.enum(DECISION_OUTCOMES).default('decided')),
    dReason: z.string().max(50_000).nullish(),
    dFor: count,
    dAgainst: count,
    dAbstain: count,
  })
  .transform((d): DecisionInput => {
    const counts = [d.dFor, d.dAgainst, d.dAbstain];
    const vote = counts.every((c) => c === undefined) ? null : { for: d.dFor ?? 0, against: d.dAgainst ?? 0, abstain: d.dAbstain ?? 0 };
    return { text: d.dText, outcome: d.dOutcome, reason: d.dReason ?? null, vote };
  });

const sharedViewNotice = (turn: ActionTurn | CommandTurn, key: 'decision.reserved' | 'decision.noted'): Notice => ({
  text: t(turn.locale, key),
  kind: 'good',
});

/** "Beslut: …" in the conversation during a meeting: recorded on the current item. */
export async function decisionCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const parsed = parseDecisionText(text);
  const conversationId = councilConversationId(activity);
  const { decision, created, agenda } = await recordDecision(turn.kit.meetingDeps, {
    conversationId,
    actorId: activity.from.id,
    // Teams delivers a retried message with the same id.
    clientKey: `message:${conversationId}:${activity.id ?? ''}`,
    decision: { text: parsed.text, outcome: parsed.outcome, reason: parsed.reason ?? null },
  });
  // A retry whose first attempt stopped after saving and before posting is answered as the first would have been.
  const first = created || (await turn.kit.meetingDeps.decisions.cardActivity(decision.id)) === null;
  const notice = first ? undefined : { text: t(turn.locale, 'decision.already'), kind: 'warning' as const };
  const data = await decisionView(turn.kit.meetingDeps, conversationId, decision.id);
  const sent = await turn.context.sendActivity(cardActivity(decisionCard(data, undefined, { notice })));
  if (first && sent?.id) await turn.kit.meetingDeps.decisions.setCardActivity(decision.id, sent.id);
  const live = agenda.meeting.agendaCardActivityId;
  if (first && live) await turn.context.updateActivity({ ...cardActivity(agendaCard(agenda, undefined)), id: live });
}

/** "Reservation: skäl" / "Jag reserverar mig": against the latest decision on the item under discussion. */
export async function reservationCommand(turn: CommandTurn, text: string | undefined): Promise<void> {
  const activity = turn.context.activity;
  const result = await reserveAgainst(turn.kit.meetingDeps, {
    conversationId: councilConversationId(activity),
    actorId: activity.from.id,
    text: text?.trim() || null,
  });
  await turn.context.sendActivity(cardActivity(decisionCard(result, undefined, { notice: sharedViewNotice(turn, 'decision.reserved') })));
}

/** "Protokollsanteckning: …" during the meeting: on the latest decision of the current item. */
export async function protocolNoteCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const result = await addProtocolNote(turn.kit.meetingDeps, {
    conversationId: councilConversationId(activity),
    actorId: activity.from.id,
    text,
    clientKey: `message:${activity.conversation.id}:${activity.id ?? ''}`,
  });
  await turn.context.sendActivity(cardActivity(decisionCard(result, undefined, { notice: sharedViewNotice(turn, 'decision.noted') })));
}

async function freshDecision(turn: ActionTurn, notice: Notice, data: { decisionId: string }) {
  return decisionCard(await decisionView(turn.kit.meetingDeps, turn.conversationId, data.decisionId), turn.actorId, { notice });
}

const record = defineAction({
  verb: 'decision.record',
  schema: z.object({ meetingId: id, forItemId: id }).and(decisionFields),
  async run(turn, data) {
    const { meetingId, forItemId: itemId, ...decision } = data;
    const { decision: recorded, created, agenda } = await recordDecision(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      // A retried click carries the same form; a second, different decision from the same card does not.
      clientKey: `card:${meetingId}:${itemId}:${turn.actorId}:${JSON.stringify(decision)}`.slice(0, 256),
      meetingId,
      itemId,
      decision,
    });
    const locale = agenda.view.council.locale;
    const decisions = turn.kit.meetingDeps.decisions;
    // A retry after the first attempt stopped between saving the decision and posting its card posts it now.
    const unposted = created || (await decisions.cardActivity(recorded.id)) === null;
    const postDecision = async () => {
      if (!unposted) return;
      const data = created
        ? { view: agenda.view, meeting: agenda.meeting, decision: recorded, reservations: [], notes: [] }
        : await decisionView(turn.kit.meetingDeps, turn.conversationId, recorded.id);
      const sent = await turn.context.sendActivity(cardActivity(decisionCard(data, undefined)));
      if (sent?.id) await decisions.setCardActivity(recorded.id, sent.id);
    };
    // Two independent messages to the connector: the new decision's card and the live card.
    await Promise.all([postDecision(), updatePostedCard(turn, agenda)]);
    const notice: Notice = created
      ? { text: t(locale, 'decision.recordedOn', { number: recorded.itemNumber ?? '' }), kind: 'good' }
      : { text: t(locale, 'decision.already'), kind: 'warning' };
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
  },
});

const show = defineAction({
  verb: 'decision.show',
  schema: z.object({ decisionId: id }),
  async run(turn, data) {
    await respondWithCard(turn.context, decisionCard(await decisionView(turn.kit.meetingDeps, turn.conversationId, data.decisionId), turn.actorId));
  },
});

const edit = defineAction({
  verb: 'decision.edit',
  schema: z.object({ decisionId: id, version }).and(decisionFields),
  async run(turn, data) {
    const { decisionId, version: expectedVersion, ...decision } = data;
    await editDecision(turn.kit.meetingDeps, { conversationId: turn.conversationId, actorId: turn.actorId, decisionId, expectedVersion, decision });
    const view = await decisionView(turn.kit.meetingDeps, turn.conversationId, decisionId);
    await replaceCardForAll(turn.context, decisionCard(view, undefined));
    await respondWithCard(turn.context, decisionCard(view, turn.actorId, { notice: { text: t(view.view.council.locale, 'decision.changed'), kind: 'good' } }));
  },
  freshCard: freshDecision,
});

const undo = defineAction({
  verb: 'decision.undo',
  schema: z.object({ decisionId: id }),
  async run(turn, data) {
    const before = await decisionView(turn.kit.meetingDeps, turn.conversationId, data.decisionId);
    const decision = await undoDecision(turn.kit.meetingDeps, { conversationId: turn.conversationId, actorId: turn.actorId, decisionId: data.decisionId });
    const locale = before.view.council.locale;
    const notice: Notice = { text: t(locale, 'decision.undone', { number: decision.itemNumber ?? '' }), kind: 'warning' };
    // The card stays as a record of what was undone, with nothing left to act on.
    const card = decisionCard({ ...before, reservations: [] }, turn.actorId, { notice, undone: true });
    await replaceCardForAll(turn.context, decisionCard({ ...before, reservations: [] }, undefined, { notice, undone: true }));
    await respondWithCard(turn.context, card);
  },
});

const reserve = defineAction({
  verb: 'decision.reserve',
  schema: z.object({ decisionId: id, rText: z.string().max(50_000).nullish() }),
  async run(turn, data) {
    const result = await reserveAgainst(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      decisionId: data.decisionId,
      text: data.rText ?? null,
    });
    const notice: Notice = { text: t(result.view.council.locale, result.created ? 'decision.reserved' : 'decision.reservedAlready'), kind: 'good' };
    await replaceCardForAll(turn.context, decisionCard(result, undefined));
    await respondWithCard(turn.context, decisionCard(result, turn.actorId, { notice }));
  },
});

const protocolNote = defineAction({
  verb: 'decision.protocolNote',
  schema: z.object({ decisionId: id, pText: z.string().max(50_000).default('') }),
  async run(turn, data) {
    const result = await addProtocolNote(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      decisionId: data.decisionId,
      text: data.pText,
      clientKey: `card:${data.decisionId}:${turn.actorId}:${data.pText.trim()}`.slice(0, 256),
    });
    const notice: Notice = { text: t(result.view.council.locale, 'decision.noted'), kind: 'good' };
    await replaceCardForAll(turn.context, decisionCard(result, undefined));
    await respondWithCard(turn.context, decisionCard(result, turn.actorId, { notice }));
  },
});

export const decisionActions: CardAction[] = [record, show, edit, undo, reserve, protocolNote];
