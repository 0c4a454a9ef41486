import type { RoundView } from '../app/nominations.js';
import { runsRound } from '../app/nominations.js';
import type { CouncilView } from '../app/councils.js';
import { can, isGuestId, type Locale } from '../domain/council.js';
import { formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import { type Nomination, eligible } from '../domain/nomination.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const MAX_REFRESH_USERS = 60;
const MEMBER_CHOICES = 100;

/** Words carry the answer; colour only underlines it (and only where it stays readable). */
const STATUS_COLOR: Record<Nomination['consent'], string> = { accepted: 'Default', declined: 'Attention', pending: 'Default', external: 'Default' };

function deadlineText(locale: Locale, iso: string, zone: string): string {
  const z = utcToZoned(iso, zone);
  return `${formatShortDate(z.date, locale)} ${locale === 'sv' ? z.time.replace(':', '.') : z.time}`;
}

/** The round: nominees and their answers for everyone; the chair's view closes it. */
export function roundCard(data: RoundView, viewerId: string | undefined, notice?: Notice): CardJson {
  const { view, round, nominations } = data;
  const locale = view.council.locale;
  const zone = view.council.timeZone;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const names = new Map(view.members.map((m) => [m.userId, m.name]));
  const open = round.status === 'open';
  const role = viewerId ? view.members.find((m) => m.userId === viewerId)?.role : undefined;
  const leaders = view.members.filter((m) => can(m.role, 'meeting.run') && !isGuestId(m.userId)).slice(0, MAX_REFRESH_USERS);
  const candidates = eligible(nominations);
  const facts = [
    { title: tr('round.seats'), value: String(round.seats) },
    { title: tr('round.deadline'), value: round.deadline ? deadlineText(locale, round.deadline, zone) : tr('round.noDeadline') },
    ...(round.criteria ? [{ title: tr('round.criteria'), value: round.criteria }] : []),
    { title: tr('round.selfTitle'), value: tr(round.selfNomination ? 'round.selfYes' : 'round.selfNo') },
  ];
  const selected = nominations.filter((n) => n.selected).map((n) => n.nomineeName);
  return renderTemplate('nomination', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    roundId: round.id,
    version: round.version,
    name: round.name,
    purpose: round.purpose,
    facts,
    nominees: nominations.map((n) => ({
      name: n.nomineeEmail ? `${n.nomineeName} (${n.nomineeEmail})` : n.nomineeName,
      detail:
        n.nomineeUserId !== null && n.nomineeUserId === n.nominatedBy
          ? tr('round.nominatedSelf', { motivation: n.motivation })
          : tr('round.nominatedBy', { name: names.get(n.nominatedBy) ?? '?', motivation: n.motivation }),
      status: tr(`consent.${n.consent}` as MessageKey) + (n.selected ? ` · ${tr('round.selected')}` : ''),
      statusColor: n.selected ? 'Good' : STATUS_COLOR[n.consent],
      value: n.id,
    })),
    outcome: !open
      ? round.pollId
        ? tr('round.closedPoll')
        : tr('round.closedSelected', { names: selected.join(', ') })
      : null,
    members: view.members
      .filter((m) => !isGuestId(m.userId) && (round.selfNomination || m.userId !== viewerId))
      .slice(0, MEMBER_CHOICES)
      .map((m) => ({ title: m.name, value: m.userId })),
    eligible: candidates.map((n) => ({ title: n.nomineeName, value: n.id })),
    canNominate: open && (viewerId === undefined || (role !== undefined && role !== 'guest')),
    canClose: open && runsRound(view, viewerId),
    canVote: candidates.length > round.seats,
    refreshUserIds: open ? leaders.map((m) => m.userId) : [],
    showMine: open && viewerId === undefined && leaders.length > 0,
    labels: {
      title: tr('round.title'),
      nominees: tr('round.nominees', { count: nominations.length }),
      none: tr('round.none'),
      nominate: tr('round.nominate'),
      member: tr('round.member'),
      orExternal: tr('round.orExternal'),
      externalName: tr('round.externalName'),
      externalEmail: tr('round.externalEmail'),
      motivation: tr('round.motivation'),
      send: tr('round.send'),
      select: tr('round.select'),
      selectLabel: tr('round.selectLabel', { seats: round.seats }),
      selectSend: tr('round.selectSend'),
      vote: tr('round.vote'),
      mine: tr('card.myView'),
      required: tr('card.required'),
    },
  });
}

/** The nominee's own card: accept or decline, until the round closes. */
export function nominationAskCard(data: RoundView, nomination: Nomination, notice?: Notice): CardJson {
  const { view, round } = data;
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const by = view.members.find((m) => m.userId === nomination.nominatedBy)?.name ?? '?';
  return renderTemplate('nomination-ask', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    intro: tr('round.askIntro', { by, council: view.council.name }),
    round: round.name,
    purpose: round.purpose,
    motivation: nomination.motivation,
    status: round.status === 'open' ? tr(`consent.yours.${nomination.consent}` as MessageKey) : tr('round.closedForAnswers'),
    nominationId: nomination.id,
    canAnswer: round.status === 'open',
    labels: { accept: tr('round.accept'), decline: tr('round.decline') },
  });
}

export function roundFormCard(view: CouncilView, formId: string, today: string, tieTo: string | null): CardJson {
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  return renderTemplate('nomination-form', {
    formId,
    today,
    tieLabel: tieTo ? tr('round.tie', { item: tieTo }) : null,
    labels: {
      title: tr('round.formTitle'),
      name: tr('round.name'),
      namePlaceholder: tr('round.namePlaceholder'),
      purpose: tr('round.purpose'),
      seats: tr('round.seats'),
      deadline: tr('round.deadlineOptional'),
      criteria: tr('round.criteria'),
      criteriaPlaceholder: tr('round.criteriaPlaceholder'),
      self: tr('round.selfToggle'),
      open: tr('round.open'),
      required: tr('card.required'),
    },
  });
}
