import type { AmbiguousTime, MeetingInput } from '../app/meetings.js';
import type { Council, Locale } from '../domain/council.js';
import type { Meeting } from '../domain/meeting.js';
import { formatMeetingWhen, formatShortDate, formatTime, zonedToUtc } from '../domain/meeting-time.js';
import { type MessageKey, t } from '../i18n/index.js';
import { parseIsoDate } from '../domain/swedish-dates.js';
import { dayFlag } from '../domain/swedish-holidays.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import type { Notice } from './views.js';

const UNPARSED_SHOWN = 20;

function where(locale: Locale, place: string | null, online: boolean): string {
  if (online && place) return t(locale, 'meeting.onlineAnd', { place });
  if (online) return t(locale, 'meeting.online');
  return place ?? t(locale, 'meeting.noPlace');
}

function meetingLine(locale: Locale, council: Council, m: Pick<Meeting, 'title' | 'startsAt' | 'endsAt' | 'place' | 'online'>) {
  return { title: m.title, when: formatMeetingWhen(m.startsAt, m.endsAt, locale, council.timeZone), where: where(locale, m.place, m.online) };
}

export function meetingsCard(
  council: Council,
  meetings: readonly Meeting[],
  more: number,
  locale: Locale,
  options: { notice?: Notice; /** How to plan one, with this example date. */ howTo?: string } = {},
): CardJson {
  return renderTemplate('meetings', {
    notice: options.notice?.text ?? null,
    noticeStyle: options.notice?.kind ?? 'default',
    title: t(locale, 'meetings.title'),
    council: council.name,
    meetings: meetings.map((m) => meetingLine(locale, council, m)),
    more: more > 0 ? t(locale, 'meetings.more', { count: more }) : null,
    howTo: options.howTo ? t(locale, 'meetings.howTo', { date: options.howTo }) : null,
    labels: { none: t(locale, 'meetings.none') },
  });
}

export function meetingFormCard(locale: Locale, values: Partial<MeetingInput> = {}, notice?: Notice): CardJson {
  const tr = (k: MessageKey) => t(locale, k);
  return renderTemplate('meeting-form', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    date: values.date ?? '',
    start: values.start ?? '13:00',
    end: values.end ?? '16:00',
    place: values.place ?? '',
    online: values.online ? 'true' : 'false',
    meetingTitle: values.title ?? '',
    labels: {
      title: tr('meeting.form.title'),
      date: tr('meeting.form.date'),
      start: tr('meeting.form.start'),
      end: tr('meeting.form.end'),
      place: tr('meeting.form.place'),
      placePlaceholder: tr('meeting.form.placePlaceholder'),
      online: tr('meeting.form.online'),
      heading: tr('meeting.form.heading'),
      submit: tr('meeting.form.submit'),
      required: tr('card.required'),
    },
  });
}

/** "Obs: juldagen, en helgdag": a planned day that is seldom meant, said before it is saved. */
export function dayFlagText(locale: Locale, date: string): string | null {
  const day = parseIsoDate(date);
  const flag = day ? dayFlag(day) : undefined;
  if (!flag) return null;
  if (flag.kind === 'weekend') return t(locale, flag.weekday === 'saturday' ? 'schedule.flagSaturday' : 'schedule.flagSunday');
  return t(locale, 'schedule.flagHoliday', { holiday: t(locale, `holiday.${flag.holiday}` as MessageKey) });
}

/** A meeting to be planned, as the confirmation cards show it. */
export function plannedLine(locale: Locale, council: Council, m: MeetingInput) {
  return {
    ...meetingLine(locale, council, {
      title: m.title ?? council.name,
      startsAt: zonedToUtc(m.date, m.start, council.timeZone),
      endsAt: zonedToUtc(m.date, m.end, council.timeZone),
      place: m.place,
      online: m.online,
    }),
    flag: dayFlagText(locale, m.date),
  };
}

/** What was understood from a pasted plan, to be confirmed before anything is saved. */
export function scheduleConfirmCard(
  council: Council,
  meetings: readonly MeetingInput[],
  unparsed: readonly string[],
  locale: Locale,
  notice?: Notice,
): CardJson {
  return renderTemplate('schedule-confirm', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    intro: t(locale, 'schedule.intro', { count: meetings.length }),
    meetings: meetings.map((m) => plannedLine(locale, council, m)),
    // The card carries what it shows; the save action checks it all again on the server.
    payload: meetings,
    unparsed: [
      ...unparsed.slice(0, UNPARSED_SHOWN).map((text) => ({ text })),
      ...(unparsed.length > UNPARSED_SHOWN ? [{ text: `+ ${unparsed.length - UNPARSED_SHOWN}` }] : []),
    ],
    labels: {
      title: t(locale, 'schedule.title'),
      unparsed: t(locale, 'schedule.unparsed'),
      save: t(locale, 'schedule.save'),
      cancel: t(locale, 'schedule.cancel'),
    },
  });
}

/**
 * Asks which of the twice-shown times a meeting means, the night summer time ends. The answer
 * goes back to the action that asked (`verb`) with everything it was given (`payload`) plus the
 * choices as `startFold`/`endFold`, so nothing is saved before the person has chosen.
 */
export function timeChoiceCard(
  locale: Locale,
  meeting: Pick<MeetingInput, 'date' | 'start' | 'end'>,
  times: readonly AmbiguousTime[],
  verb: string,
  payload: Record<string, unknown>,
): CardJson {
  const date = formatShortDate(meeting.date, locale);
  return renderTemplate('time-choice', {
    intro: t(locale, 'time.choice.intro', { date }),
    when: `${date}, ${formatTime(meeting.start, locale)}–${formatTime(meeting.end, locale)}`,
    times: times.map((a) => ({
      id: a.which === 'start' ? 'startFold' : 'endFold',
      label: t(locale, a.which === 'start' ? 'time.choice.start' : 'time.choice.end', { time: a.time }),
      earlier: t(locale, 'time.choice.earlier', { time: a.time, offset: a.earlierOffset }),
      later: t(locale, 'time.choice.later', { time: a.time, offset: a.laterOffset }),
      errorMessage: t(locale, 'time.choice.required'),
    })),
    verb,
    payload: { v: 1, ...payload },
    labels: { title: t(locale, 'time.choice.title'), save: t(locale, 'time.choice.save') },
  });
}
