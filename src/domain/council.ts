import type { QuorumRule } from './attendance.js';
import type { ReminderPolicy } from './reminders.js';
import type { CouncilCalendar } from './calendar.js';
import { RuleError } from './errors.js';

export const ROLES = ['chair', 'secretary', 'member', 'guest'] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Council {
  id: string;
  conversationId: string;
  tenantId: string | null;
  name: string;
  locale: Locale;
  timeZone: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** When the council can decide; shown with attendance. */
  quorumRule: QuorumRule;
  /** Whether members (not only the chair and secretary) may start polls. */
  membersCreatePolls: boolean;
  /** When members are reminded of a meeting. */
  reminderPolicy: ReminderPolicy;
  /** The council's Exchange calendar, once connected; null while meetings live only in the bot. */
  calendar: CouncilCalendar | null;
  /** The SharePoint document library approved minutes go to (its browser URL); null: the bot's own folder. */
  minutesLibrary: string | null;
  /** When Teams said the bot is no longer in the conversation (uninstalled, deleted); absent or null while reachable. */
  unreachableSince?: string | null;
}

export interface CouncilMember {
  councilId: string;
  /** Teams user id (29:…) for people in the conversation, `guest:<uuid>` for guests added by name. */
  userId: string;
  aadObjectId: string | null;
  name: string;
  email: string | null;
  role: Role;
  organisation: string | null;
  addedAt: string;
  /**
   * Set while the bot cannot open a 1:1 chat with the person (Teams refuses it: the app is not
   * installed for them): since when, and what their personal cards were for.
   */
  unreached?: { since: string; for: ReachPurpose[] } | null;
}

/** What a personal card that could not be delivered was for. */
export const REACH_PURPOSES = ['reminder', 'actionItem', 'pollReminder', 'nominationAsk', 'justering'] as const;
export type ReachPurpose = (typeof REACH_PURPOSES)[number];

/** Everything a role may do. Checked on the server for every action, whatever the card showed. */
export type Permission = 'council.manageRoles' | 'council.addGuest' | 'council.removeGuest' | 'council.view' | 'meeting.schedule' | 'agenda.edit' | 'meeting.regrets' | 'meeting.run';

const grants: Record<Role, readonly Permission[]> = {
  chair: ['council.manageRoles', 'council.addGuest', 'council.removeGuest', 'council.view', 'meeting.schedule', 'agenda.edit', 'meeting.regrets', 'meeting.run'],
  secretary: ['council.addGuest', 'council.removeGuest', 'council.view', 'meeting.schedule', 'agenda.edit', 'meeting.regrets', 'meeting.run'],
  member: ['council.view', 'meeting.regrets'],
  guest: ['council.view'],
};

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && grants[role].includes(permission);
}

export function requirePermission(role: Role | undefined, permission: Permission): void {
  if (!can(role, permission)) {
    throw new RuleError(role === undefined ? 'error.notMember' : 'error.forbidden');
  }
}

export function isGuestId(userId: string): boolean {
  return userId.startsWith('guest:');
}

/**
 * A council always keeps at least one chair, and guests (adjungerade) are people outside the
 * conversation, so a roster member cannot be turned into one and a guest cannot lead.
 */
export function checkRoleChange(members: readonly CouncilMember[], targetUserId: string, newRole: Role): void {
  const target = members.find((m) => m.userId === targetUserId);
  if (!target) throw new RuleError('error.memberNotFound');
  if (isGuestId(target.userId) !== (newRole === 'guest')) {
    throw new RuleError(newRole === 'guest' ? 'error.guestMustBeAdded' : 'error.guestCannotHoldRole');
  }
  if (target.role === 'chair' && newRole !== 'chair') {
    const chairs = members.filter((m) => m.role === 'chair').length;
    if (chairs <= 1) throw new RuleError('error.lastChair');
  }
}

export const COUNCIL_NAME_MAX = 120;
