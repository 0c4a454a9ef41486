import {
  COUNCIL_NAME_MAX,
  type Council,
  type CouncilMember,
  type Locale,
  type Role,
  checkRoleChange,
  isGuestId,
  requirePermission,
} from '../domain/council.js';
import { type QuorumRule, checkQuorumRule, isVotingRole } from '../domain/attendance.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import type { Clock, CouncilRepository, IdFactory, RosterEntry } from './ports.js';

export interface CouncilDeps {
  councils: CouncilRepository;
  clock: Clock;
  newId: IdFactory;
}

export interface Actor {
  userId: string;
  aadObjectId: string | null;
  name: string;
}

export interface CouncilView {
  council: Council;
  members: CouncilMember[];
}

export async function councilForConversation(deps: CouncilDeps, conversationId: string): Promise<CouncilView | undefined> {
  const council = await deps.councils.findByConversation(conversationId);
  if (!council) return undefined;
  return { council, members: await deps.councils.members(council.id) };
}

export async function requireCouncil(deps: CouncilDeps, conversationId: string): Promise<CouncilView> {
  const view = await councilForConversation(deps, conversationId);
  if (!view) throw new RuleError('error.notSetUp');
  return view;
}

export async function councilById(deps: CouncilDeps, councilId: string): Promise<CouncilView | undefined> {
  const council = await deps.councils.findById(councilId);
  return council && { council, members: await deps.councils.members(council.id) };
}

/**
 * The council of something (a poll, a round, an action item, a meeting) acted on from a
 * conversation. In a council's conversation it must be that council's (ids on cards can be
 * forged); in a person's own chat (a personal card) its own council decides. Undefined when
 * it belongs elsewhere.
 */
export async function councilActingOn(deps: CouncilDeps, conversationId: string, councilId: string): Promise<CouncilView | undefined> {
  const here = await deps.councils.findByConversation(conversationId);
  if (!here) return councilById(deps, councilId);
  return here.id === councilId ? { council: here, members: await deps.councils.members(here.id) } : undefined;
}

export function roleOf(view: CouncilView, userId: string): Role | undefined {
  return view.members.find((m) => m.userId === userId)?.role;
}

export async function setUpCouncil(
  deps: CouncilDeps,
  input: {
    conversationId: string;
    tenantId: string | null;
    name: string;
    locale: Locale;
    timeZone: string;
    actor: Actor;
    roster: readonly RosterEntry[];
  },
): Promise<CouncilView> {
  const name = input.name.trim();
  if (name === '' || name.length > COUNCIL_NAME_MAX) throw new RuleError('setup.nameError');
  if (!isValidTimeZone(input.timeZone)) throw new RuleError('error.invalidTimeZone', { zone: input.timeZone });
  const existing = await deps.councils.findByConversation(input.conversationId);
  if (existing) throw new RuleError('error.alreadySetUp', { name: existing.name });

  const at = deps.clock.now().toISOString();
  const people = new Map<string, Omit<CouncilMember, 'councilId'>>();
  for (const entry of input.roster) {
    people.set(entry.userId, { ...entry, role: 'member', organisation: null, addedAt: at });
  }
  const chair = people.get(input.actor.userId);
  people.set(input.actor.userId, {
    userId: input.actor.userId,
    aadObjectId: chair?.aadObjectId ?? input.actor.aadObjectId,
    name: chair?.name ?? input.actor.name,
    email: chair?.email ?? null,
    role: 'chair',
    organisation: null,
    addedAt: at,
  });

  const council = await deps.councils.create(
    {
      id: deps.newId(),
      conversationId: input.conversationId,
      tenantId: input.tenantId,
      name,
      locale: input.locale,
      timeZone: input.timeZone,
      createdBy: input.actor.userId,
      createdAt: at,
    },
    [...people.values()],
  );
  if (!council) {
    // Two people pressed the button at once; the first one won.
    const winner = await deps.councils.findByConversation(input.conversationId);
    throw new RuleError('error.alreadySetUp', { name: winner?.name ?? name });
  }
  return { council, members: await deps.councils.members(council.id) };
}

export async function changeRole(
  deps: CouncilDeps,
  input: { conversationId: string; actorId: string; targetUserId: string; role: Role; expectedVersion: number },
): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.manageRoles');
  if (view.council.version !== input.expectedVersion) throw new StaleError();
  checkRoleChange(view.members, input.targetUserId, input.role);
  const at = deps.clock.now().toISOString();
  const ok = await deps.councils.setRole(view.council.id, input.targetUserId, input.role, input.expectedVersion, at);
  if (!ok) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

export async function addGuest(
  deps: CouncilDeps,
  input: {
    conversationId: string;
    actorId: string;
    name: string;
    organisation: string | null;
    email: string | null;
    expectedVersion: number;
  },
): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.addGuest');
  if (view.council.version !== input.expectedVersion) throw new StaleError();
  const at = deps.clock.now().toISOString();
  const ok = await deps.councils.addMember(
    {
      councilId: view.council.id,
      userId: `guest:${deps.newId()}`,
      aadObjectId: null,
      name: input.name,
      email: input.email,
      role: 'guest',
      organisation: input.organisation,
      addedAt: at,
    },
    input.expectedVersion,
  );
  if (!ok) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

export async function removeGuest(
  deps: CouncilDeps,
  input: { conversationId: string; actorId: string; guestUserId: string; expectedVersion: number },
): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.removeGuest');
  if (view.council.version !== input.expectedVersion) throw new StaleError();
  if (!isGuestId(input.guestUserId)) throw new RuleError('error.onlyGuestsRemovable');
  if (!view.members.some((m) => m.userId === input.guestUserId)) throw new RuleError('error.memberNotFound');
  const ok = await deps.councils.removeMember(view.council.id, input.guestUserId, input.expectedVersion, deps.clock.now().toISOString());
  if (!ok) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

/** New people in the conversation join as members; nobody's role is changed by a roster sync. */
export async function syncRoster(
  deps: CouncilDeps,
  input: { conversationId: string; roster: readonly RosterEntry[] },
): Promise<number> {
  const council = await deps.councils.findByConversation(input.conversationId);
  if (!council) return 0;
  const at = deps.clock.now().toISOString();
  return deps.councils.addMissingMembers(
    council.id,
    input.roster.map((r) => ({ ...r, councilId: council.id, role: 'member' as const, organisation: null, addedAt: at })),
  );
}

/** The chair decides when the council can decide: more than half (the default), at least N, or no rule. */
export async function setQuorumRule(deps: CouncilDeps, input: { conversationId: string; actorId: string; rule: QuorumRule }): Promise<CouncilView> {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.manageRoles');
  checkQuorumRule(input.rule);
  const voting = view.members.filter((m) => isVotingRole(m.role)).length;
  if (input.rule.kind === 'minimum' && input.rule.count > voting) throw new RuleError('error.quorumAboveMembers', { count: voting, required: input.rule.count });
  const saved = await deps.councils.setQuorumRule(view.council.id, input.rule, view.council.version, deps.clock.now().toISOString());
  if (!saved) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

/**
 * People who left the conversation leave the council: kept on the record, no longer members.
 * A council whose last chair left is never without one: its secretary, or else its
 * longest-standing member, becomes chair. The successor, if one was named.
 */
export async function membersLeft(
  deps: CouncilDeps,
  input: { conversationId: string; userIds: readonly string[] },
): Promise<{ left: CouncilMember[]; chairless: boolean; successor?: CouncilMember } | undefined> {
  // Another change may land between reading and writing: read again and retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const view = await councilForConversation(deps, input.conversationId);
    if (!view) return undefined;
    const leaving = view.members.filter((m) => input.userIds.includes(m.userId));
    if (leaving.length === 0) return { left: [], chairless: false };
    const staying = view.members.filter((m) => !input.userIds.includes(m.userId));
    let successor: CouncilMember | undefined;
    const chairless = leaving.some((m) => m.role === 'chair') && !staying.some((m) => m.role === 'chair');
    if (chairless) {
      const byTenure = [...staying].sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.name.localeCompare(b.name, 'sv'));
      successor = byTenure.find((m) => m.role === 'secretary') ?? byTenure.find((m) => m.role === 'member');
    }
    const at = deps.clock.now().toISOString();
    const ids = leaving.map((m) => m.userId);
    if (await deps.councils.markLeft(view.council.id, ids, successor?.userId, view.council.version, at)) return { left: leaving, chairless, successor };
  }
  throw new StaleError();
}
