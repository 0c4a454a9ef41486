import { type AttendanceView, attendanceEditable } from '../app/attendance.js';
import { type AttendanceEntry, type QuorumRule, statusOf } from '../domain/attendance.js';
import { can, type Locale } from '../domain/council.js';
import type { Meeting } from '../domain/meeting.js';
import { formatMeetingWhen, formatTime, utcToZoned } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

/** Cards stay under the size budget: 50 people a card (a council is rarely larger). */
const MAX_ROWS = 50;

export function attendanceCard(data: AttendanceView, viewerId: string, notice?: Notice): CardJson {
  const { view, meeting, attendance, quorum, guests } = data;
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const canEdit = can(view.members.find((m) => m.userId === viewerId)?.role, 'meeting.run') && attendanceEditable(meeting);
  const members = view.members.slice(0, MAX_ROWS);
  // Counted as the rows show them: a guest or a member without an entry yet has a status too.
  const statuses = view.members.map((m) => statusOf(attendance, m));
  const count = (status: string) => statuses.filter((s) => s === status).length;
  const unconfirmed = count('unconfirmed');
  return renderTemplate('attendance', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    meetingLine: `${meeting.title} · ${formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone)}`,
    quorumLine:
      quorum.required === null ? null : tr(quorum.met ? 'attendance.quorumMet' : 'attendance.quorumNot', { present: quorum.present, required: quorum.required }),
    quorumColor: quorum.met ? 'Good' : 'Attention',
    counts: tr('attendance.counts', { present: count('present'), absent: count('absent'), regrets: count('regrets'), guests: count('guest') + guests.length }),
    toConfirm: unconfirmed > 0 ? tr('attendance.toConfirm', { count: unconfirmed }) : null,
    closedNote: meeting.status === 'closed' ? tr('attendance.closedNote') : null,
    rows: members.map((m, i) => {
      const status = statusOf(attendance, m);
      const options = m.role === 'guest' ? (['guest', 'absent', 'regrets'] as const) : (['present', 'absent', 'regrets'] as const);
      const entry = attendance.find((e) => e.userId === m.userId);
      return {
        name: m.name,
        detail: [tr(`role.${m.role}` as MessageKey), whyPresent(locale, view.council.timeZone, entry)].filter(Boolean).join(' · '),
        inputId: `s${i}`,
        // Someone to confirm is expected (no återbud): confirming as shown marks them present.
        status: status === 'unconfirmed' ? (m.role === 'guest' ? 'guest' : 'present') : status,
        statusLabel: tr(`status.${status}` as MessageKey),
        editable: canEdit,
        choices: options.map((o) => ({ title: tr(`status.${o}` as MessageKey), value: o })),
      };
    }),
    canEdit,
    guests: guests.map((g) => ({ id: g.id, text: g.organisation ? `${g.name}, ${g.organisation}` : g.name })),
    quorumRuleLine: quorumRuleText(locale, view.council.quorumRule),
    meetingId: meeting.id,
    userIds: members.map((m) => m.userId),
    labels: {
      title: tr('attendance.title'),
      save: tr(unconfirmed > 0 ? 'attendance.confirm' : 'attendance.save'),
      guests: tr('attendance.guests'),
      removeGuest: tr('attendance.removeGuest'),
      guestToRemove: tr('attendance.guestToRemove'),
      removeGuestSend: tr('attendance.removeGuestSend'),
      addGuest: tr('attendance.addGuest'),
      guestName: tr('attendance.guestName'),
      guestOrg: tr('attendance.guestOrg'),
      addGuestSend: tr('attendance.addGuestSend'),
      required: tr('card.required'),
    },
  });
}

/** "röstade 13.42": what showed that a person present was there. */
export function whyPresent(locale: Locale, timeZone: string, entry: AttendanceEntry | undefined): string | null {
  if (!entry?.reason || !entry.reasonAt || (entry.status !== 'present' && entry.status !== 'guest')) return null;
  const time = formatTime(utcToZoned(entry.reasonAt, timeZone).time, locale);
  return t(locale, `attendance.why.${entry.reason}` as MessageKey, { time });
}

/** Which meeting `närvaro` is about, when it could be the last one held or the next one. */
export function attendanceChoiceCard(locale: Locale, timeZone: string, meetings: readonly Meeting[]): CardJson {
  return renderTemplate('meeting-choice', {
    title: t(locale, 'attendance.which'),
    intro: t(locale, 'attendance.whichIntro'),
    options: meetings.map((m) => ({
      title: t(locale, m.status === 'planned' ? 'attendance.whichNext' : 'attendance.whichHeld', { when: formatMeetingWhen(m.startsAt, m.endsAt, locale, timeZone) }),
      verb: 'attendance.show',
      data: { v: 1, meetingId: m.id },
    })),
  });
}

/** How the council's quorum is set, and how to change it: the chair's question at every roll call. */
export function quorumRuleText(locale: Locale, rule: QuorumRule): string {
  switch (rule.kind) {
    case 'majority':
      return t(locale, 'quorum.majority');
    case 'minimum':
      return t(locale, 'quorum.minimum', { count: rule.count });
    case 'off':
      return t(locale, 'quorum.off');
  }
}
