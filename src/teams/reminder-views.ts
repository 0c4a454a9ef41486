import { numberedTitle } from '../domain/agenda-labels.js';
import type { PersonalReminder } from '../app/reminders.js';
import { formatMeetingWhen, formatShortDate } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const ITEMS_SHOWN = 15;

/** A member's own reminder: when and where, the agenda in short, their open action items, and återbud. */
export function reminderCard(data: PersonalReminder, today: string, notice?: Notice): CardJson {
  const { agenda, myActions } = data;
  const { view, meeting } = agenda;
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const items = agenda.timing.items;
  const regret = agenda.regrets.find((r) => r.userId === data.userId);
  return renderTemplate('meeting-reminder', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    meetingId: meeting.id,
    startsAt: meeting.startsAt,
    meetingTitle: meeting.title,
    when: formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone),
    where: meeting.online && meeting.place ? tr('meeting.onlineAnd', { place: meeting.place }) : meeting.online ? tr('meeting.online') : (meeting.place ?? tr('meeting.noPlace')),
    items: items.slice(0, ITEMS_SHOWN).map((i) => ({ text: numberedTitle(i.number, i.title) })),
    more: items.length > ITEMS_SHOWN ? tr('actions.more', { count: items.length - ITEMS_SHOWN }) : null,
    actions: myActions.map((a) => ({
      text: a.dueDate ? `${a.text} (${formatShortDate(a.dueDate, locale)})` : a.text,
      overdue: a.dueDate !== null && a.dueDate < today,
    })),
    regrets: regret ? tr('reminder.regretsSent') : null,
    // Only Teams links: a link from an event someone else made is not put on a button blindly.
    joinUrl: meeting.onlineUrl && /^https:\/\/teams\.microsoft\.com\//.test(meeting.onlineUrl) ? meeting.onlineUrl : null,
    canSendRegrets: !regret,
    labels: {
      title: tr('reminder.title', { council: view.council.name }),
      agenda: tr('reminder.agenda'),
      actions: tr('reminder.actions'),
      noActions: tr('reminder.noActions'),
      optOut: tr('reminder.optOut'),
      regrets: tr('agenda.regrets'),
      regretsNote: tr('agenda.regretsNote'),
      regretsSend: tr('agenda.regretsSend'),
      join: tr('reminder.join'),
    },
  });
}
