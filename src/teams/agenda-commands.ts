import { nextMeetingAgenda } from '../app/agendas.js';
import { roleOf } from '../app/councils.js';
import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { previewCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity } from './replies.js';
import { keepingId } from './posted-cards.js';
import { councilConversationId } from './activity.js';
import { exampleMeetingDay } from './example-dates.js';
import { commandArgs } from './commands.js';
import type { TextBlock } from '../domain/text-lines.js';

/** Posts the next meeting's agenda and remembers the message, so later changes update it in place. */
export async function postAgenda(turn: CommandTurn): Promise<void> {
  if (!turn.council) throw new RuleError('error.notSetUp');
  const agenda = await nextMeetingAgenda(turn.kit.meetingDeps, councilConversationId(turn.context.activity));
  if (!agenda) {
    await turn.context.sendActivity(t(turn.locale, 'agenda.noMeeting', { date: exampleMeetingDay(turn.kit.deps.clock, turn.council.council.timeZone) }));
    return;
  }
  const sent = await turn.context.sendActivity(keepingId(cardActivity(agendaCard(agenda, undefined)), { kind: 'agendaCard', id: agenda.meeting.id }));
  if (sent?.id) await turn.kit.deps.store.meetings.setAgendaCard(agenda.meeting.id, sent.id);
}

export async function importAgendaText(turn: CommandTurn, text: string): Promise<void> {
  if (text.trim() === '') return postAgenda(turn);
  if (!turn.council) throw new RuleError('error.notSetUp');
  requirePermission(roleOf(turn.council, turn.context.activity.from.id), 'agenda.edit');
  const agenda = await nextMeetingAgenda(turn.kit.meetingDeps, councilConversationId(turn.context.activity));
  if (!agenda) {
    await turn.context.sendActivity(t(turn.locale, 'agenda.noMeeting', { date: exampleMeetingDay(turn.kit.deps.clock, turn.council.council.timeZone) }));
    return;
  }
  await turn.context.sendActivity(cardActivity(previewCard(turn, agenda, turn.message?.blocks ? agendaBlocks(turn.message.blocks, text) : text, turn.context.activity.from.id)));
}

/**
 * The pasted agenda with its tables kept: the message's blocks without the command word that
 * opens the first of them. Should the word stand elsewhere, the command's plain text is read.
 */
function agendaBlocks(blocks: readonly TextBlock[], args: string): TextBlock[] | string {
  const first = blocks[0];
  if (first?.kind !== 'text') return args;
  // The word may stand as a heading of its own ("**Dagordning**" above the table).
  const text = first.text.trimStart();
  const rest = commandArgs(text.replace(/^#+\s*/, ''), 'importAgenda');
  if (rest === undefined) return args;
  return rest.trim() === '' ? blocks.slice(1) : [{ kind: 'text', text: rest }, ...blocks.slice(1)];
}
