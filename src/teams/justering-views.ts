import type { JusteringView } from '../app/justering.js';
import { formatMeetingWhen, formatShortDate } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const DECISIONS_SHOWN = 25;
const TEXT_SHOWN = 300;

/** The names of the adjusters, "Björn Berg och Eva Ek". */
export function adjusterNames(view: JusteringView, locale: 'sv' | 'en'): string {
  const names = view.adjusters.map((a) => view.agenda.view.members.find((m) => m.userId === a.userId)?.name ?? a.userId);
  const and = locale === 'sv' ? ' och ' : ' and ';
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')}${and}${names.at(-1)}`;
}

/**
 * An adjuster's card: the meeting, its decisions in short, and "Godkänn" / "Kommentera" for the
 * version sent. The viewer's own state decides the buttons; a card of an earlier version is
 * answered with this one.
 */
export function justeringCard(view: JusteringView, viewerId: string | undefined, notice?: Notice, lead?: string): CardJson {
  const { agenda, minutes } = view;
  const { council } = agenda.view;
  const locale = council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const me = view.adjusters.find((a) => a.userId === viewerId);
  const approvedByMe = me?.approvedVersion === minutes.version;
  const approvedCount = view.adjusters.filter((a) => a.approvedVersion === minutes.version).length;
  const status =
    minutes.status === 'approved'
      ? tr('justering.statusApproved')
      : approvedByMe
        ? tr('justering.statusYouApproved', { count: approvedCount, total: view.adjusters.length })
        : tr('justering.statusWaiting', { count: approvedCount, total: view.adjusters.length });
  const decisions = agenda.decisions.map((d) => ({
    number: d.itemNumber ? `${d.itemNumber}. ` : '',
    text: d.text.length > TEXT_SHOWN ? `${d.text.slice(0, TEXT_SHOWN)}…` : d.text,
  }));
  const facts = [
    { title: tr('minutes.when'), value: formatMeetingWhen(agenda.meeting.startsAt, agenda.meeting.endsAt, locale, council.timeZone) },
    { title: tr('justering.adjusters'), value: adjusterNames(view, locale) },
    { title: tr('justering.version'), value: String(minutes.version) },
    ...(minutes.deadline ? [{ title: tr('justering.deadline'), value: formatShortDate(minutes.deadline, locale) }] : []),
  ];
  return renderTemplate('justering', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    meetingId: agenda.meeting.id,
    version: minutes.version,
    title: `${tr('minutes.title')} – ${council.name}`,
    facts,
    decisions: decisions.slice(0, DECISIONS_SHOWN),
    more: decisions.length > DECISIONS_SHOWN ? tr('actions.more', { count: decisions.length - DECISIONS_SHOWN }) : null,
    status,
    statusColor: minutes.status === 'approved' || approvedByMe ? 'Good' : 'Accent',
    canApprove: me !== undefined && !approvedByMe && minutes.status === 'sent',
    canComment: minutes.status !== 'approved' && (me !== undefined || viewerId === undefined),
    labels: {
      intro: lead ?? tr('justering.intro', { council: council.name }),
      decisions: tr('justering.decisions'),
      noDecisions: tr('justering.noDecisions'),
      approve: tr('justering.approve'),
      comment: tr('justering.comment'),
      commentLabel: tr('justering.commentLabel'),
      commentRequired: tr('justering.commentRequired'),
      commentSend: tr('justering.commentSend'),
    },
  });
}
