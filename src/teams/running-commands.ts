import { itemSentence } from './item-text.js';
import type { AgendaView } from '../app/agenda-view.js';
import { addItemNote, closeMeeting, goToItem, goToNumber, type ItemTarget, openMeeting } from '../app/running.js';
import { itemChoiceCard } from './item-choice-views.js';
import { closeCard } from './closing-views.js';
import { t } from '../i18n/index.js';
import { updatePostedCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import { attendanceCard } from './attendance-views.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity } from './replies.js';
import { keepingId } from './posted-cards.js';
import { councilConversationId } from './activity.js';

function nowLine(turn: CommandTurn, agenda: AgendaView): string {
  const item = agenda.timing.items.find((i) => i.id === agenda.meeting.currentItemId);
  return item ? itemSentence(turn.locale, 'live.now', item) : '';
}

/**
 * Keeps the meeting's one live card current: updated in place once posted, through the outbox
 * (`queued`: the change queued that update itself). A card posted anew is sent in the turn, as
 * its id is kept for the updates.
 */
async function showLive(turn: CommandTurn, agenda: AgendaView, text: string, options: { repost?: boolean; queued?: boolean } = {}): Promise<void> {
  const existing = agenda.meeting.agendaCardActivityId;
  if (existing && options.queued) turn.kit.wakeOutbox();
  else if (existing) await updatePostedCard(turn, agenda);
  if (!existing || options.repost) {
    const sent = await turn.context.sendActivity(keepingId(cardActivity(agendaCard(agenda, undefined)), { kind: 'agendaCard', id: agenda.meeting.id }));
    if (sent?.id) await turn.kit.deps.store.meetings.setAgendaCard(agenda.meeting.id, sent.id);
  }
  if (text) await turn.context.sendActivity(text);
}

function actor(turn: CommandTurn) {
  return { conversationId: councilConversationId(turn.context.activity), actorId: turn.context.activity.from.id };
}

export async function openMeetingCommand(turn: CommandTurn): Promise<void> {
  const { agenda, alreadyOpen, attendance } = await openMeeting(turn.kit.meetingDeps, actor(turn));
  const heading = t(turn.locale, alreadyOpen ? 'live.alreadyOpen' : 'live.opened');
  // Opening posts the live card anew at the bottom of the conversation, where people look.
  await showLive(turn, agenda, [heading, nowLine(turn, agenda)].filter(Boolean).join(' '), { repost: !alreadyOpen });
  // Then the roll call, prefilled, for the chair or secretary to confirm with one tap.
  if (!alreadyOpen) {
    const card = cardActivity(attendanceCard(attendance, turn.context.activity.from.id));
    const sent = await turn.context.sendActivity(keepingId(card, { kind: 'attendanceCard', id: agenda.meeting.id }));
    if (sent?.id) await turn.kit.deps.store.meetings.setAttendanceCard(agenda.meeting.id, sent.id);
  }
}

export async function moveCommand(turn: CommandTurn, target: ItemTarget): Promise<void> {
  const agenda = await goToItem(turn.kit.meetingDeps, { ...actor(turn), target });
  await showLive(turn, agenda, nowLine(turn, agenda), { queued: true });
}

/**
 * "punkt 2 a": to the item the chair numbered so; a number two items share, or one the agenda
 * does not have, gets a card to choose the item on, and the meeting stays where it is.
 */
export async function goToNumberCommand(turn: CommandTurn, number: string): Promise<void> {
  const result = await goToNumber(turn.kit.meetingDeps, { ...actor(turn), number });
  if ('ask' in result) {
    await turn.context.sendActivity(cardActivity(itemChoiceCard(result.ask)));
    return;
  }
  await showLive(turn, result.moved, nowLine(turn, result.moved), { queued: true });
}

/**
 * "avsluta mötet": with items left that could be tabled, a card asks what happens to each;
 * otherwise the meeting closes, and the outbox updates the live card and posts the notice at the
 * bottom of the chat (both queued with the close).
 */
export async function closeMeetingCommand(turn: CommandTurn, how: 'ask' | 'defaults' | 'leave'): Promise<void> {
  const result = await closeMeeting(turn.kit.meetingDeps, { ...actor(turn), choice: { kind: how } });
  if (!result.closed) {
    await turn.context.sendActivity(cardActivity(closeCard(result.agenda, result.left)));
    return;
  }
  turn.kit.wakeOutbox();
}

export async function noteCommand(turn: CommandTurn, text: string): Promise<void> {
  const activity = turn.context.activity;
  const { agenda, created, itemNumber, itemTitle } = await addItemNote(turn.kit.meetingDeps, {
    ...actor(turn),
    text,
    clientKey: `message:${activity.conversation.id}:${activity.id ?? ''}`,
  });
  const said = created ? itemSentence(turn.locale, 'note.saved', { number: itemNumber, title: itemTitle }) : t(turn.locale, 'note.already');
  if (!created) {
    await turn.context.sendActivity(said);
    return;
  }
  await showLive(turn, agenda, said);
}
