import type { AttendanceView } from '../app/attendance.js';
import { statusOf } from '../domain/attendance.js';
import { can } from '../domain/council.js';
import { formatMeetingWhen } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

/** Cards stay under the size budget: 50 people a card (a council is rarely larger). */
const MAX_ROWS = 50;

export function attendanceCard(data: AttendanceView, viewerId: string, notice?: Notice): CardJson {
  const { view, meeting, attendance, quorum } = data;
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const canEdit = can(view.members.find((m) => m.userId === viewerId)?.role, 'meeting.run') && (meeting.status === 'planned' || meeting.status === 'open');
  const members = view.members.slice(0, MAX_ROWS);
  const count = (status: string) => attendance.filter((e) => e.status === status).length;
  return renderTemplate('attendance', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    meetingLine: `${meeting.title} · ${formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone)}`,
    quorumLine:
      quorum.required === null ? null : tr(quorum.met ? 'attendance.quorumMet' : 'attendance.quorumNot', { present: quorum.present, required: quorum.required }),
    quorumColor: quorum.met ? 'Good' : 'Attention',
    counts: tr('attendance.counts', { present: count('present'), absent: count('absent'), regrets: count('regrets'), guests: count('guest') }),
    rows: members.map((m, i) => {
      const status = statusOf(attendance, m);
      const options = m.role === 'guest' ? (['guest', 'absent', 'regrets'] as const) : (['present', 'absent', 'regrets'] as const);
      return {
        name: m.name,
        roleLabel: tr(`role.${m.role}` as MessageKey),
        inputId: `s${i}`,
        status,
        statusLabel: tr(`status.${status}` as MessageKey),
        editable: canEdit,
        choices: options.map((o) => ({ title: tr(`status.${o}` as MessageKey), value: o })),
      };
    }),
    canEdit,
    meetingId: meeting.id,
    userIds: members.map((m) => m.userId),
    labels: { title: tr('attendance.title'), save: tr('attendance.save') },
  });
}
