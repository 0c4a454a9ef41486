import { timeAgenda } from '../domain/agenda.js';
import { formatMeetingWhen, utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import type { AgendaView } from './agenda-view.js';
import type { CalendarEventInput } from './ports.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The agenda as Outlook shows it in the event: numbered items with times and presenters. With
 * `joinUrl`, a Teams link the calendar did not put there itself (one made through the
 * onlineMeetings API) is shown first.
 */
export function eventBodyHtml(agenda: AgendaView, joinUrl: string | null = null): string {
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
    return `<p${indent}>${escapeHtml(when)}${item.number ? `<b>${escapeHtml(item.number)}.</b> ` : ''}${escapeHtml(item.title)}${who}</p>`;
  });
  const join = joinUrl ? [`<p><a href="${escapeHtml(joinUrl)}">${escapeHtml(t(locale, 'calendar.bodyJoin'))}</a></p>`] : [];
  return [
    `<h2>${escapeHtml(meeting.title)}</h2>`,
    ...join,
    `<p>${escapeHtml(formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, council.timeZone))}${meeting.place ? ` · ${escapeHtml(meeting.place)}` : ''}</p>`,
    `<h3>${escapeHtml(t(locale, 'reminder.agenda'))}</h3>`,
    ...(rows.length > 0 ? rows : [`<p>${escapeHtml(t(locale, 'calendar.noAgendaYet'))}</p>`]),
    `<p><i>${escapeHtml(t(locale, 'calendar.bodyAgendaNote'))}</i></p>`,
    `<p><i>${escapeHtml(t(locale, 'calendar.bodyFooter', { council: council.name }))}</i></p>`,
  ].join('\n');
}

/** The event for a meeting: members with an e-mail address are invited. */
export function eventInput(agenda: AgendaView, joinUrl: string | null = null): CalendarEventInput {
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
    bodyHtml: eventBodyHtml(agenda, joinUrl),
    startsAt: agenda.meeting.startsAt,
    endsAt: agenda.meeting.endsAt,
    place: agenda.meeting.place,
    online: agenda.meeting.online,
    attendees,
    categories: council.calendar ? [council.calendar.category] : [],
  };
}

/** A run of underscores: the rules Exchange draws above and below the Teams join block. */
// A match starts only where a run starts: linear however many underscores there are.
const RULE = /(?<!_)_{20,}/g;

/**
 * The body to write over `current`, an online meeting's body as Graph gave it: `ours`, then the
 * Teams join block exactly as Exchange wrote it. Graph's "update event" page says a body that
 * leaves the block out disables the meeting online, so when the block holding `joinUrl` cannot
 * be found whole, the answer is undefined and the body is better left alone.
 */
export function bodyKeepingJoin(current: string, joinUrl: string | null, ours: string): string | undefined {
  if (!joinUrl) return ours;
  const at = [joinUrl, escapeHtml(joinUrl)].map((u) => current.indexOf(u)).filter((i) => i >= 0).sort((a, b) => a - b)[0];
  if (at === undefined) return ours;
  const before = [...current.slice(0, at).matchAll(RULE)].at(-1);
  const after = new RegExp(RULE.source, 'g');
  after.lastIndex = at;
  const closing = after.exec(current);
  if (!before || !closing) return undefined;
  const start = current.lastIndexOf('<div', before.index);
  const close = current.indexOf('</div>', closing.index);
  if (start < 0 || close < 0) return undefined;
  return `${ours}\r\n${current.slice(start, close + '</div>'.length)}`;
}
