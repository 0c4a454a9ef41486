import { recordDecision, undoDecision } from '../app/decisions.js';
import { parseDecisionText } from '../domain/decision.js';
import { t } from '../i18n/index.js';
import { type CardAction, defineAction } from './card-action.js';
import { id } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { decisionCard } from './decision-views.js';
import { cardActivity, respondWithCard } from './replies.js';
import { agendaCard } from './agenda-views.js';
import { z } from 'zod';

/** "Beslut: …" in the conversation during a meeting: recorded on the current item. */
export async function decisionCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const parsed = parseDecisionText(text);
  const { decision, created, agenda } = await recordDecision(turn.kit.meetingDeps, {
    conversationId: activity.conversation.id,
    actorId: activity.from.id,
    // Teams delivers a retried message with the same id.
    clientKey: `message:${activity.conversation.id}:${activity.id ?? ''}`,
    decision: { text: parsed.text, outcome: parsed.outcome, reason: parsed.reason ?? null },
  });
  const notice = created ? undefined : { text: t(turn.locale, 'decision.already'), kind: 'warning' as const };
  await turn.context.sendActivity(cardActivity(decisionCard(decision, turn.locale, { canUndo: true, notice })));
  const live = agenda.meeting.agendaCardActivityId;
  if (created && live) await turn.context.updateActivity({ ...cardActivity(agendaCard(agenda, undefined)), id: live });
}

const undo = defineAction({
  verb: 'decision.undo',
  schema: z.object({ decisionId: id }),
  async run(turn, data) {
    const decision = await undoDecision(turn.kit.meetingDeps, { conversationId: turn.conversationId, actorId: turn.actorId, decisionId: data.decisionId });
    const locale = turn.council?.council.locale ?? turn.locale;
    const notice = { text: t(locale, 'decision.undone', { number: decision.itemNumber ?? '' }), kind: 'warning' as const };
    // The card stays as a record of what was undone, with nothing left to undo.
    await respondWithCard(turn.context, decisionCard(decision, locale, { canUndo: false, notice }));
  },
});

export const decisionActions: CardAction[] = [undo];
