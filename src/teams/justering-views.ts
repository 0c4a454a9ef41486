import type { JusteringView } from '../app/justering.js';
import { formatMeetingWhen, formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const DECISIONS_SHOWN = 25;
const TEXT_SHOWN = 300;

function exportText(state: NonNullable<JusteringView['minutes']['export']>, locale: 'sv' | 'en', timeZone: string): string {
  if (state.status === 'pending') return t(locale, 'justering.exportPending');
  if (state.status === 'retrying') return t(locale, 'justering.exportRetrying', { detail: state.detail ?? '' });
  if (state.status === 'waiting') return t(locale, 'justering.exportWaitingCredentials');
  if (state.status === 'failed') return t(locale, 'justering.exportFailed', { detail: state.detail ?? '' });
  const at = state.at ? utcToZoned(state.at, timeZone) : undefined;
  return t(locale, 'justering.exportDone', { when: at ? `${formatShortDate(at.date, locale)} ${locale === 'sv' ? at.time.replace(':', '.') : at.time}` : '' });
}

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
    ...(minutes.diaryNumber ? [{ title: tr('justering.diary'), value: minutes.diaryNumber }] : []),
    ...(minutes.export ? [{ title: tr('justering.export'), value: exportText(minutes.export, locale, council.timeZone) }] : []),
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
    // The Word file of the latest export, when it is in SharePoint: the adjuster reads the whole text there.
    documentUrl: minutes.export?.files.find((f) => f.name.endsWith('.docx') && f.webUrl.startsWith('https://'))?.webUrl ?? null,
    canApprove: me !== undefined && !approvedByMe && minutes.status === 'sent',
    canComment: minutes.status !== 'approved' && (me !== undefined || viewerId === undefined),
    labels: {
      intro: lead ?? tr('justering.intro', { council: council.name }),
      decisions: tr('justering.decisions'),
      noDecisions: tr('justering.noDecisions'),
      approve: tr('justering.approve'),
      read: tr('justering.read'),
      comment: tr('justering.comment'),
      commentLabel: tr('justering.commentLabel'),
      commentRequired: tr('justering.commentRequired'),
      commentSend: tr('justering.commentSend'),
    },
  });
}

/** The files an export wrote, each a button when it has a web address (SharePoint) and a line otherwise. */
export function exportedCard(locale: 'sv' | 'en', message: string, files: readonly { name: string; webUrl: string }[]): CardJson {
  // SharePoint's https links, and in local mode the bot's own; a file: URL is only a name to the reader.
  const linked = files.filter((f) => /^https?:\/\//.test(f.webUrl));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    // The message quotes what people wrote and file names come from titles: text runs, never markdown.
    body: [
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: message, weight: 'Bolder' }] },
      ...files.filter((f) => !/^https?:\/\//.test(f.webUrl)).map((f) => ({ type: 'RichTextBlock', spacing: 'Small', inlines: [{ type: 'TextRun', text: f.name, isSubtle: true }] })),
    ],
    actions: linked.slice(0, 6).map((f) => ({ type: 'Action.OpenUrl', title: f.name.replace(/^.*\.(\w+)$/, (_, ext: string) => t(locale, 'minutes.open', { kind: ext.toUpperCase() })), url: f.webUrl })),
  };
}
