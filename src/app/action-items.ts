import { ACTION_COMMENT_MAX, type ActionComment, type ActionItem } from '../domain/action-item.js';
import { ACTION_TEXT_MAX, actionProblemError, parseActionText } from '../domain/action-text.js';
import { can, type CouncilMember, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import { isValidDate, utcToZoned, zonedToUtc } from '../domain/meeting-time.js';
import { minusDays } from '../domain/reminders.js';
import { matchMember, requireOneMember } from '../domain/member-match.js';
import { type CouncilView, councilActingOn, councilById, requireCouncil, roleOf } from './councils.js';
import { actionCardJob, liveCardJobs } from './conversation-jobs.js';
import { noteAct } from './attendance.js';
import type { MeetingDeps } from './meetings.js';
import type { OutboxJob } from './ports.js';

export type ActionDeps = MeetingDeps;

/** What a person typed, or the action item form's fields (owner chosen from the council's people). */
export type ActionInput =
  | { kind: 'text'; text: string; mentionedUserIds?: readonly string[] }
  | { kind: 'fields'; ownerUserId: string; text: string; dueDate: string | null; meetingId: string; itemId: string };

function checkFields(view: CouncilView, input: Extract<ActionInput, { kind: 'fields' }>, today: string) {
  const owner = view.members.find((m) => m.userId === input.ownerUserId);
  if (!owner) throw new RuleError('error.actionOwnerUnknown', { name: input.ownerUserId.slice(0, 40) });
  const text = input.text.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) throw new RuleError('error.actionTextMissing');
  if (text.length > ACTION_TEXT_MAX) throw new RuleError('error.actionTextTooLong', { max: ACTION_TEXT_MAX });
  if (input.dueDate !== null && !isValidDate(input.dueDate)) throw new RuleError('error.actionDueInvalid', { date: input.dueDate });
  if (input.dueDate !== null && input.dueDate < today) throw new RuleError('error.actionDuePast', { date: input.dueDate });
  return { owner, text, due: input.dueDate };
}

/**
 * "Åtgärd: Helena kommunicerar beslutet senast 15/4": the owner must be one council member
 * (an ambiguous or unknown name is asked about, never guessed; a Teams @mention settles it),
 * the date must exist and lie ahead. During a meeting the item is tied to the meeting and its
 * current item; from the form, to the item the form was on.
 */
export async function createActionItem(
  deps: ActionDeps,
  input: { conversationId: string; actorId: string; clientKey: string; action: ActionInput },
): Promise<{ item: ActionItem; created: boolean; view: CouncilView; ownerTold: boolean }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const today = utcToZoned(deps.clock.now().toISOString(), view.council.timeZone).date;
  const action = input.action;
  let meetingId: string | null;
  let itemId: string | null;
  // The form's meeting: its live card shows the new item.
  let formMeeting: Meeting | undefined;
  let checked: { owner: CouncilMember; text: string; due: string | null };
  if (action.kind === 'text') {
    const parsed = parseActionText(action.text, { today });
    const problem = actionProblemError(parsed);
    if (problem) throw problem;
    const mentioned = parsed.ownerMention ? mentionedMember(view, parsed.ownerText ?? '', action.mentionedUserIds ?? []) : undefined;
    const owner = mentioned ?? requireOneMember(matchMember(parsed.ownerText ?? '', view.members), parsed.ownerText ?? '');
    checked = { owner, text: parsed.text, due: parsed.due ?? null };
    const meeting = await deps.meetings.findOpen(view.council.id);
    meetingId = meeting?.id ?? null;
    itemId = meeting?.currentItemId ?? null;
  } else {
    const meeting = await deps.meetings.findById(action.meetingId);
    if (!meeting || meeting.councilId !== view.council.id) throw new RuleError('error.meetingNotFound');
    if (!(await deps.meetings.agenda(meeting.id)).some((i) => i.id === action.itemId)) throw new RuleError('error.itemNotFound');
    checked = checkFields(view, action, today);
    meetingId = meeting.id;
    itemId = action.itemId;
    formMeeting = meeting;
  }
  const id = deps.newId();
  // The owner hears of it in their own chat, unless they recorded it themselves.
  const now = deps.clock.now().toISOString();
  const reachable = !checked.owner.userId.startsWith('guest:');
  const jobs: OutboxJob[] = [];
  const ownerTold = reachable && checked.owner.userId !== input.actorId;
  if (ownerTold) {
    jobs.push({ key: `action-assigned:${id}`, kind: 'actionAssigned', payload: { actionItemId: id }, dueAt: now });
  }
  // Its card in the conversation: what was typed is confirmed there; from the live card's form,
  // the live card shows the new item.
  const confirm = action.kind === 'text' ? { created: true, ownerTold } : undefined;
  jobs.push(actionCardJob({ actionItemId: id, viewerId: input.actorId, ...(confirm ? { confirm } : {}) }, 'first', now));
  if (formMeeting) jobs.push(...liveCardJobs(formMeeting, now));
  // The owner is reminded the day before the due date, at the hour the council's meeting reminders go out.
  const dueReminder = checked.due && reachable ? zonedToUtc(minusDays(checked.due, 1), view.council.reminderPolicy.at, view.council.timeZone) : null;
  if (dueReminder && dueReminder > now) {
    jobs.push({ key: `action-due:${id}`, kind: 'actionDue', payload: { actionItemId: id }, dueAt: dueReminder });
  }
  const { item, created } = await deps.actionItems.create(
    {
      id,
      councilId: view.council.id,
      meetingId,
      agendaItemId: itemId,
      ownerUserId: checked.owner.userId,
      ownerName: checked.owner.name,
      text: checked.text,
      dueDate: checked.due,
      status: 'open',
      createdBy: input.actorId,
      createdAt: deps.clock.now().toISOString(),
      completedAt: null,
    },
    input.clientKey,
    jobs,
  );
  if (created && meetingId) await noteAct(deps, view, formMeeting ?? (await deps.meetings.findById(meetingId)), input.actorId, 'recorded');
  return { item, created, view, ownerTold: created && ownerTold };
}

/** The mentioned person whose name the owner text gives, when Teams sent the mention's id. */
function mentionedMember(view: CouncilView, ownerText: string, mentionedUserIds: readonly string[]): CouncilMember | undefined {
  const candidates = view.members.filter((m) => mentionedUserIds.includes(m.userId));
  const match = matchMember(ownerText, candidates);
  return match.kind === 'one' ? match.member : undefined;
}

export async function openActionItems(deps: ActionDeps, conversationId: string, ownerUserId?: string) {
  const view = await requireCouncil(deps, conversationId);
  if (ownerUserId && !roleOf(view, ownerUserId)) throw new RuleError('error.notMember');
  return openItemsOf(deps, view, ownerUserId);
}

/** Open items, a person's or the whole council's, with their comments. */
export async function openItemsOf(deps: ActionDeps, view: CouncilView, ownerUserId?: string) {
  const items = ownerUserId
    ? await deps.actionItems.forOwner(view.council.id, ownerUserId, 'open')
    : await deps.actionItems.open(view.council.id);
  const comments = await deps.actionItems.comments(items.map((i) => i.id));
  return { view, items, comments };
}

/**
 * The item and its council. In the council's conversation the item must be that council's (ids
 * on cards can be forged); elsewhere (the owner's personal chat) the item's own council decides
 * who may act on it.
 */
async function itemAndCouncil(deps: ActionDeps, conversationId: string, itemId: string): Promise<{ item: ActionItem; view: CouncilView }> {
  const item = await deps.actionItems.findById(itemId);
  const view = item && (await councilActingOn(deps, conversationId, item.councilId));
  if (!item || !view) throw new RuleError('error.actionNotFound');
  return { item, view };
}

function requireOwnerOrLeader(view: CouncilView, item: ActionItem, actorId: string): void {
  const role = roleOf(view, actorId);
  if (item.ownerUserId !== actorId && !can(role, 'meeting.run')) throw new RuleError(role ? 'error.forbidden' : 'error.notMember');
}

/** The owner closes their own item; the chair and secretary may close anyone's. */
export async function completeActionItem(
  deps: ActionDeps,
  input: { conversationId: string; actorId: string; itemId: string; expectedVersion: number },
): Promise<{ item: ActionItem; view: CouncilView }> {
  const { item, view } = await itemAndCouncil(deps, input.conversationId, input.itemId);
  requireOwnerOrLeader(view, item, input.actorId);
  if (item.version !== input.expectedVersion) throw new StaleError();
  const done = await deps.actionItems.setStatus(item.id, 'done', input.expectedVersion, deps.clock.now().toISOString());
  if (!done) throw new StaleError();
  return { item: done, view };
}

/** The owner, the chair and the secretary comment on an item: progress, a question, a changed plan. */
export async function commentOnActionItem(
  deps: ActionDeps,
  input: { conversationId: string; actorId: string; itemId: string; text: string; clientKey: string },
): Promise<{ item: ActionItem; comment: ActionComment; created: boolean; view: CouncilView }> {
  const { item, view } = await itemAndCouncil(deps, input.conversationId, input.itemId);
  requireOwnerOrLeader(view, item, input.actorId);
  const text = input.text.trim();
  if (!/[\p{L}\p{N}]/u.test(text)) throw new RuleError('error.commentEmpty');
  if (text.length > ACTION_COMMENT_MAX) throw new RuleError('error.commentTooLong', { max: ACTION_COMMENT_MAX });
  const { comment, created } = await deps.actionItems.addComment(
    { id: deps.newId(), actionItemId: item.id, userId: input.actorId, text, createdAt: deps.clock.now().toISOString() },
    input.clientKey,
  );
  return { item, comment, created, view };
}

/** In a person's own chat with the bot: their open items in every council they belong to. */
export async function myOpenItemsEverywhere(deps: ActionDeps, userId: string) {
  const councils = await deps.councils.councilsOf(userId);
  const lists = await Promise.all(councils.map(async (council) => openItemsOf(deps, (await councilById(deps, council.id))!, userId)));
  return lists.filter((l) => l.items.length > 0);
}

/** The new owner's personal card: their open items in the council, the new one first. */
export async function assignedItem(deps: ActionDeps, actionItemId: string) {
  const item = await deps.actionItems.findById(actionItemId);
  const view = item && item.status === 'open' ? await councilById(deps, item.councilId) : undefined;
  if (!item || !view) return undefined;
  const { items, comments } = await openItemsOf(deps, view, item.ownerUserId);
  return { view, item, items: [item, ...items.filter((i) => i.id !== item.id)], comments };
}
