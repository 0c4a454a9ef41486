import type { CouncilView } from '../app/councils.js';
import { type Locale, ROLES, can, isGuestId } from '../domain/council.js';
import { COMMON_TIME_ZONES } from '../domain/time-zone.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';

/** Cards stay far below Teams' message limit; long rosters are cut with a count of the rest. */
const MAX_MEMBERS_SHOWN = 60;
const MAX_REFRESH_USERS = 60;
/**
 * People a card lists to choose from. Teams takes a message of at most 100 KB counted in UTF-16,
 * and a real user id is some 90 characters: 400 members listed by name and id come to about
 * 140 KB. A larger council gets a name field instead, matched as action owners are.
 */
const MAX_ROLE_CHOICES = 120;

export type NoticeKind = 'good' | 'warning' | 'attention';

export interface Notice {
  text: string;
  kind: NoticeKind;
}

export function welcomeCard(locale: Locale, suggestedName: string, timeZone: string, notice?: Notice): CardJson {
  const tr = (k: MessageKey) => t(locale, k);
  return renderTemplate('welcome', {
    notice: notice?.text ?? null,
    noticeColor: notice?.kind === 'good' ? 'Good' : 'Attention',
    title: tr('welcome.title'),
    intro: tr('welcome.intro'),
    prompt: tr('welcome.setupPrompt'),
    suggestedName,
    locale,
    timeZone,
    languages: [
      { title: tr('language.sv'), value: 'sv' },
      { title: tr('language.en'), value: 'en' },
    ],
    timeZones: COMMON_TIME_ZONES.includes(timeZone as never) ? [...COMMON_TIME_ZONES] : [timeZone, ...COMMON_TIME_ZONES],
    labels: {
      name: tr('setup.name'),
      namePlaceholder: tr('setup.namePlaceholder'),
      nameError: tr('setup.nameError'),
      language: tr('setup.language'),
      timeZone: tr('setup.timeZone'),
      submit: tr('setup.submit'),
      required: tr('card.required'),
    },
  });
}

/** What a form turns into once it has done its work and posted its result below. */
export function doneCard(title: string, message: string): CardJson {
  return renderTemplate('done', { title, message });
}

export function errorCard(locale: Locale, message: string): CardJson {
  return renderTemplate('error', { title: t(locale, 'error.title'), message });
}

/**
 * For the chair's and secretary's own view of a council's card: how many members Teams would not
 * open a personal chat with, and how that is fixed. A count, never names; null when there are none.
 */
export function unreachedNote(view: CouncilView, locale: Locale): string | null {
  const count = view.members.filter((m) => m.unreached).length;
  if (count === 0) return null;
  return t(locale, count === 1 ? 'reach.unreachedOne' : 'reach.unreachedMany', { count });
}

export function councilCard(view: CouncilView, viewerId: string | undefined, locale: Locale, notice?: Notice): CardJson {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const { council, members } = view;
  const viewerRole = viewerId ? members.find((m) => m.userId === viewerId)?.role : undefined;
  const shown = members.slice(0, MAX_MEMBERS_SHOWN);
  const candidates = members.filter((m) => !isGuestId(m.userId));
  const leaders = members
    .filter((m) => can(m.role, 'council.addGuest') && !isGuestId(m.userId))
    .slice(0, MAX_REFRESH_USERS)
    .map((m) => m.userId);
  return renderTemplate('council', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    title: tr('council.title', { name: council.name }),
    language: tr(`language.${council.locale}`),
    timeZone: council.timeZone,
    memberCount: String(members.length),
    unreached: can(viewerRole, 'council.addGuest') ? unreachedNote(view, locale) : null,
    version: council.version,
    members: shown.map((m) => ({
      name: m.name,
      roleLabel: m.organisation ? `${tr(`role.${m.role}`)}, ${m.organisation}` : tr(`role.${m.role}`),
    })),
    moreMembers: members.length - shown.length,
    moreText: `+ ${members.length - shown.length}`,
    // Leaders get their own view with the management actions through Universal Actions refresh.
    refreshUserIds: leaders,
    canManageRoles: can(viewerRole, 'council.manageRoles'),
    canAddGuest: can(viewerRole, 'council.addGuest'),
    roleByName: candidates.length > MAX_ROLE_CHOICES,
    roleCandidates: candidates.length > MAX_ROLE_CHOICES ? [] : candidates.map((m) => ({ name: m.name, userId: m.userId })),
    roleChoices: ROLES.filter((r) => r !== 'guest').map((r) => ({ title: tr(`role.${r}`), value: r })),
    guests: members.filter((m) => isGuestId(m.userId)).map((m) => ({ name: m.name, userId: m.userId })),
    labels: {
      language: tr('council.facts.language'),
      timeZone: tr('council.facts.timeZone'),
      members: tr('council.facts.members'),
      membersHeading: tr('council.membersHeading'),
      changeRole: tr('council.changeRole'),
      person: tr('council.person'),
      personByName: tr('council.personByName'),
      newRole: tr('council.newRole'),
      saveRole: tr('council.saveRole'),
      addGuestHeading: tr('council.addGuestHeading'),
      guestName: tr('council.guestName'),
      guestOrganisation: tr('council.guestOrganisation'),
      guestEmail: tr('council.guestEmail'),
      addGuest: tr('council.addGuest'),
      removeGuest: tr('council.removeGuest'),
      // The shared card offers each person their own view where a client does not run the refresh.
      refresh: viewerId === undefined ? tr('card.myView') : tr('council.refresh'),
      required: tr('card.required'),
    },
  });
}
