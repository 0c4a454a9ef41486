import { itemSentence } from './item-text.js';
import { z } from 'zod';
import { addProtocolNote, decisionView, editDecision, recordDecision, reserveAgainst, undoDecision } from '../app/decisions.js';
import { type DecisionNotice, decisionAnswerJob, decisionCardJob } from '../app/conversation-jobs.js';
import { DECISION_OUTCOMES, type Decision, type DecisionInput, parseDecisionText } from '../domain/decision.js';
import { t } from '../i18n/index.js';
import { agendaCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, id, version } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { decisionCard } from './decision-views.js';
import { respondWithCard } from './replies.js';
import { replaceCardForAll } from './shared-card.js';
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

/**
 * "Beslut: …" in the conversation during a meeting: recorded on the current item. Its card and
 * the live card's update go out through the outbox, so the turn (and Teams' wait for its HTTP
 * answer) ends once the decision is saved, however slowly Teams takes messages.
 */
export async function decisionCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const parsed = parseDecisionText(text);
  const conversationId = councilConversationId(activity);
  const { decision, created } = await recordDecision(turn.kit.meetingDeps, {
    conversationId,
    actorId: activity.from.id,
    // Teams delivers a retried message with the same id.
    clientKey: `message:${conversationId}:${activity.id ?? ''}`,
    decision: { text: parsed.text, outcome: parsed.outcome, reason: parsed.reason ?? null },
  });
  if (!created) await answerRetry(turn.kit, decision, true);
  turn.kit.wakeOutbox();
}

/**
 * A retried message or click for a decision saved before. Its card was queued with it (the job
 * is there, sent or not); one saved before cards went through the outbox gets its job now. A
 * message whose card is out already is answered again, saying so, as before.
 */
async function answerRetry(kit: ActionTurn['kit'], decision: Decision, again: boolean): Promise<void> {
  const deps = kit.meetingDeps;
  const at = deps.clock.now().toISOString();
  const posted = (await deps.decisions.cardActivity(decision.id)) !== null;
  if (!posted) await deps.outbox.enqueue([decisionCardJob(decision.id, at)], at);
  else if (again) await deps.outbox.enqueue([decisionAnswerJob(decision.id, 'already', deps.newId(), at)], at);
}

/** The decision's card with what the message did, posted through the outbox: the turn ends once the change is saved. */
async function answerWithCard(turn: CommandTurn, decisionId: string, notice: DecisionNotice): Promise<void> {
  const deps = turn.kit.meetingDeps;
  const at = deps.clock.now().toISOString();
  await deps.outbox.enqueue([decisionAnswerJob(decisionId, notice, deps.newId(), at)], at);
  turn.kit.wakeOutbox();
}

/** "Reservation: skäl" / "Jag reserverar mig": against the latest decision on the item under discussion. */
export async function reservationCommand(turn: CommandTurn, text: string | undefined): Promise<void> {
  const activity = turn.context.activity;
  const result = await reserveAgainst(turn.kit.meetingDeps, {
    conversationId: councilConversationId(activity),
    actorId: activity.from.id,
    text: text?.trim() || null,
  });
  await answerWithCard(turn, result.decision.id, 'reserved');
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
  await answerWithCard(turn, result.decision.id, 'noted');
}

async function freshDecision(turn: ActionTurn, notice: Notice, data: { decisionId: string }) {
  return decisionCard(await decisionView(turn.kit.meetingDeps, turn.conversationId, data.decisionId), turn.actorId, { notice });
}

const record = defineAction({
  verb: 'decision.record',
  schema: z.object({ meetingId: id, forItemId: id }).and(decisionFields),
  async run(turn, data) {
    const { meetingId, forItemId: itemId, ...decision } = data;
    const { decision: recorded, created, agenda, quorum, unconfirmed } = await recordDecision(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      // A retried click carries the same form; a second, different decision from the same card does not.
      clientKey: `card:${meetingId}:${itemId}:${turn.actorId}:${JSON.stringify(decision)}`.slice(0, 256),
      meetingId,
      itemId,
      decision,
    });
    const locale = agenda.view.council.locale;
    // The decision's card and the live card's update were queued with it: the chair's answer does not wait for Teams to take them.
    if (!created) await answerRetry(turn.kit, recorded, false);
    turn.kit.wakeOutbox();
    const below = created && recorded.outcome === 'decided' && quorum?.met === false && quorum.required !== null;
    const warning = below
      ? [t(locale, 'decision.belowQuorum', { present: quorum.present, required: quorum.required! }), unconfirmed ? t(locale, 'decision.unconfirmed', { count: unconfirmed }) : ''].filter(Boolean).join(' ')
      : '';
    const notice: Notice = created
      ? { text: [itemSentence(locale, 'decision.recordedOn', { number: recorded.itemNumber ?? '', title: recorded.itemTitle ?? '' }), warning].filter(Boolean).join(' '), kind: below ? 'warning' : 'good' }
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
    await replaceCardForAll(turn, decisionCard(view, undefined));
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
    const notice: Notice = { text: t(locale, 'decision.undone', { number: decision.itemNumber || `”${decision.itemTitle ?? ''}”` }), kind: 'warning' };
    // The card stays as a record of what was undone, with nothing left to act on.
    const card = decisionCard({ ...before, reservations: [] }, turn.actorId, { notice, undone: true });
    await replaceCardForAll(turn, decisionCard({ ...before, reservations: [] }, undefined, { notice, undone: true }));
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
    await replaceCardForAll(turn, decisionCard(result, undefined));
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
    await replaceCardForAll(turn, decisionCard(result, undefined));
    await respondWithCard(turn.context, decisionCard(result, turn.actorId, { notice }));
  },
});

export const decisionActions: CardAction[] = [record, show, edit, undo, reserve, protocolNote];
