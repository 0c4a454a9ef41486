import type { ActionItem } from '../domain/action-item.js';
import { actionProblemError, parseActionText } from '../domain/action-text.js';
import { can, requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { matchMember, requireOneMember } from '../domain/member-match.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';

export type ActionDeps = MeetingDeps;

/**
 * "Åtgärd: Helena kommunicerar beslutet senast 15/4": the owner must be one council member
 * (an ambiguous or unknown name is asked about, never guessed), the date must exist and lie
 * ahead. During a meeting the item is tied to the meeting and its current item.
 */
export async function createActionItem(
  deps: ActionDeps,
  input: { conversationId: string; actorId: string; text: string; clientKey: string },
): Promise<{ item: ActionItem; created: boolean; view: CouncilView }> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  const today = utcToZoned(deps.clock.now().toISOString(), view.council.timeZone).date;
  const parsed = parseActionText(input.text, { today });
  const problem = actionProblemError(parsed);
  if (problem) throw problem;
  const owner = requireOneMember(matchMember(parsed.ownerText ?? '', view.members), parsed.ownerText ?? '');
  const meeting = await deps.meetings.findOpen(view.council.id);
  const { item, created } = await deps.actionItems.create(
    {
      id: deps.newId(),
      councilId: view.council.id,
      meetingId: meeting?.id ?? null,
      agendaItemId: meeting?.currentItemId ?? null,
      ownerUserId: owner.userId,
      ownerName: owner.name,
      text: parsed.text,
      dueDate: parsed.due ?? null,
      status: 'open',
      createdBy: input.actorId,
      createdAt: deps.clock.now().toISOString(),
      completedAt: null,
    },
    input.clientKey,
  );
  return { item, created, view };
}

export async function openActionItems(deps: ActionDeps, conversationId: string, ownerUserId?: string) {
  const view = await requireCouncil(deps, conversationId);
  if (ownerUserId && !roleOf(view, ownerUserId)) throw new RuleError('error.notMember');
  const items = ownerUserId
    ? await deps.actionItems.forOwner(view.council.id, ownerUserId, 'open')
    : await deps.actionItems.open(view.council.id);
  return { view, items };
}

/** The owner closes their own item; the chair and secretary may close anyone's. */
export async function completeActionItem(
  deps: ActionDeps,
  input: { conversationId: string; actorId: string; itemId: string; expectedVersion: number },
): Promise<ActionItem> {
  const view = await requireCouncil(deps, input.conversationId);
  const item = await deps.actionItems.findById(input.itemId);
  if (!item || item.councilId !== view.council.id) throw new RuleError('error.actionNotFound');
  const role = roleOf(view, input.actorId);
  if (item.ownerUserId !== input.actorId && !can(role, 'meeting.run')) {
    throw new RuleError(role ? 'error.forbidden' : 'error.notMember');
  }
  if (item.version !== input.expectedVersion) throw new StaleError();
  const done = await deps.actionItems.setStatus(item.id, 'done', input.expectedVersion, deps.clock.now().toISOString());
  if (!done) throw new StaleError();
  return done;
}
