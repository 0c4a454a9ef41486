import { itemSentence } from './item-text.js';
import type { DecisionView } from '../app/decisions.js';
import { isVotingRole } from '../domain/attendance.js';
import { can, isGuestId, type Locale } from '../domain/council.js';
import { DECISION_OUTCOMES, type Decision } from '../domain/decision.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const MAX_REFRESH_USERS = 60;

export function decisionFacts(decision: Decision, locale: Locale): { title: string; value: string }[] {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const facts = [{ title: tr('decision.outcome'), value: tr(`outcome.${decision.outcome}` as MessageKey) }];
  if (decision.reason) facts.push({ title: tr('decision.reason'), value: decision.reason });
  if (decision.vote) facts.push({ title: tr('decision.vote'), value: tr('decision.voteText', { ...decision.vote }) });
  return facts;
}

/**
 * A recorded decision. `viewerId` undefined is the message everybody sees: members reserve
 * themselves or write a protokollsanteckning there, and the chair and secretary get their own
 * view (edit, undo) through refresh or "Visa mina val".
 */
/** A decision taken while the attendance shows no quorum says so (the minutes do too), and what to do if the roll call is not done. */
function withQuorum(data: DecisionView, notice: Notice | undefined): Notice | undefined {
  const q = data.quorum;
  if (!q || q.met !== false || q.required === null || data.decision.outcome !== 'decided' || data.meeting.status !== 'open') return notice;
  const locale = data.view.council.locale;
  const warning = [t(locale, 'decision.belowQuorum', { present: q.present, required: q.required }), data.unconfirmed ? t(locale, 'decision.unconfirmed', { count: data.unconfirmed }) : '']
    .filter(Boolean)
    .join(' ');
  return { text: notice ? `${notice.text} ${warning}` : warning, kind: 'warning' };
}

export function decisionCard(
  data: DecisionView,
  viewerId: string | undefined,
  options: { notice?: Notice; undone?: boolean } = {},
): CardJson {
  const { view, meeting, decision } = data;
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const names = new Map([...(data.membersThen ?? []), ...view.members].map((m) => [m.userId, m.name]));
  const nameOf = (userId: string) => names.get(userId) ?? tr('decision.formerMember');
  const role = viewerId ? view.members.find((m) => m.userId === viewerId)?.role : undefined;
  const open = meeting.status === 'open' && !options.undone;
  const editable = (meeting.status === 'open' || meeting.status === 'closed') && !options.undone;
  const leaders = view.members.filter((m) => can(m.role, 'meeting.run') && !isGuestId(m.userId)).slice(0, MAX_REFRESH_USERS);
  const shared = viewerId === undefined;
  const notice = withQuorum(data, options.notice);
  return renderTemplate('decision', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    heading: itemSentence(locale, 'decision.recorded', { number: decision.itemNumber ?? '', title: decision.itemTitle ?? '' }),
    text: decision.text,
    facts: decisionFacts(decision, locale),
    reservations: data.reservations.map((r) => ({
      text: r.text ? tr('decision.reservationWith', { name: nameOf(r.userId), text: r.text }) : tr('decision.reservationBare', { name: nameOf(r.userId) }),
    })),
    notes: data.notes.map((n) => ({ text: `${nameOf(n.userId)}: ${n.text}` })),
    decisionId: decision.id,
    version: decision.version,
    refreshUserIds: editable ? leaders.map((m) => m.userId) : [],
    canEdit: !shared && editable && can(role, 'meeting.run'),
    canUndo: !shared && open && can(role, 'meeting.run'),
    canReserve: open && (shared || (role !== undefined && isVotingRole(role))),
    canNote: editable && (shared || role !== undefined),
    showMyView: shared && editable && leaders.length > 0,
    outcomes: DECISION_OUTCOMES.map((o) => ({ title: tr(`outcome.${o}` as MessageKey), value: o })),
    edit: {
      text: decision.text,
      outcome: decision.outcome,
      reason: decision.reason ?? '',
      for: decision.vote?.for ?? null,
      against: decision.vote?.against ?? null,
      abstain: decision.vote?.abstain ?? null,
    },
    labels: {
      reservations: tr('decision.reservations'),
      notes: tr('decision.notes'),
      edit: tr('decision.edit'),
      text: tr('decision.text'),
      outcome: tr('decision.outcome'),
      reason: tr('decision.reasonLabel'),
      vote: tr('decision.voteLabel'),
      for: tr('decision.for'),
      against: tr('decision.against'),
      abstain: tr('decision.abstain'),
      save: tr('decision.save'),
      undo: tr('decision.undo'),
      reserve: tr('decision.reserve'),
      reserveText: tr('decision.reserveText'),
      reserveSend: tr('decision.reserveSend'),
      note: tr('decision.note'),
      noteText: tr('decision.noteText'),
      noteSend: tr('decision.noteSend'),
      myView: tr('decision.myView'),
      required: tr('card.required'),
    },
  });
}
