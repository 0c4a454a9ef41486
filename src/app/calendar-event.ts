import { timeAgenda } from '../domain/agenda.js';
import { formatMeetingWhen, utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import type { AgendaView } from './agendas.js';
import type { CalendarEventInput } from './ports.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The agenda as Outlook shows it in the event: numbered items with times and presenters. */
export function eventBodyHtml(agenda: AgendaView): string {
  const { council } = agenda.view;
  const { meeting } = agenda;
  const locale = council.locale;
  const start = utcToZoned(meeting.startsAt, council.timeZone).time;
  const end = utcToZoned(meeting.endsAt, council.timeZone).time;
  const timed = timeAgenda(agenda.items, { start, end }).items;
  const rows = timed.map((item) => {
    const when = item.plannedStart ? `${item.plannedStart}${item.plannedEnd ? `–${item.plannedEnd}` : ''} ` : '';
    const who = item.presenters.length > 0 ? ` (${escapeHtml(item.presenters.join(', '))})` : '';
    const indent = item.level === 1 ? ' style="margin-left:1.5em"' : '';
    return `<p${indent}>${escapeHtml(when)}<b>${escapeHtml(item.number)}.</b> ${escapeHtml(item.title)}${who}</p>`;
  });
  return [
    `<h2>${escapeHtml(meeting.title)}</h2>`,
    `<p>${escapeHtml(formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, council.timeZone))}${meeting.place ? ` · ${escapeHtml(meeting.place)}` : ''}</p>`,
    `<h3>${escapeHtml(t(locale, 'reminder.agenda'))}</h3>`,
    ...(rows.length > 0 ? rows : [`<p>${escapeHtml(t(locale, 'calendar.noAgendaYet'))}</p>`]),
    `<p><i>${escapeHtml(t(locale, 'calendar.bodyFooter', { council: council.name }))}</i></p>`,
  ].join('\n');
}

/** The event for a meeting: members with an e-mail address are invited. */
export function eventInput(agenda: AgendaView): CalendarEventInput {
  const { council, members } = agenda.view;
  const seen = new Set<string>();
  const attendees = members
    .filter((m) => m.role !== 'guest' && m.email)
    .filter((m) => {
      const key = m.email!.toLowerCase();
      if (seen.has(key) || key === council.calendar?.mailbox) return false;
      seen.add(key);
      return true;
    })
    .map((m) => ({ name: m.name, email: m.email! }));
  return {
    subject: agenda.meeting.title,
    bodyHtml: eventBodyHtml(agenda),
    startsAt: agenda.meeting.startsAt,
    endsAt: agenda.meeting.endsAt,
    place: agenda.meeting.place,
    online: agenda.meeting.online,
    attendees,
    categories: council.calendar ? [council.calendar.category] : [],
  };
}
