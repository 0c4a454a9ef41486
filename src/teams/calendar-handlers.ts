import { calendarStatus, connectCalendar, disconnectCalendar, setCalendarRule } from '../app/calendar.js';
import type { SeriesView } from '../app/calendar-series.js';
import type { CalendarSyncState, GraphStatus, UnknownZoneEvent } from '../app/ports.js';
import { horizonWeeksOf } from '../domain/calendar.js';
import type { Council, Locale } from '../domain/council.js';
import { formatMeetingWhen, formatShortDate, formatTime, utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';
import { councilConversationId } from './activity.js';

/** What the council's calendar is, how its events are recognised and how the last sync went. */
export function calendarStatusText(
  locale: Locale,
  council: Council,
  state: CalendarSyncState | undefined,
  graph: boolean,
  intervalMs: number,
  graphStatus: GraphStatus = { status: 'ok' },
  series: readonly SeriesView[] = [],
): string {
  if (!graph) return t(locale, 'calendar.noGraph');
  // Said before anything else: until an administrator acts, no sync and no export to SharePoint happens.
  const refused =
    graphStatus.status === 'credentials-rejected'
      ? [t(locale, 'calendar.statusCredentials', { when: formatMeetingWhen(graphStatus.since, graphStatus.since, locale, council.timeZone).split('–')[0]! })]
      : [];
  const calendar = council.calendar;
  if (!calendar) return [t(locale, 'calendar.notConnected'), ...refused].join('\n\n');
  const rule = calendar.subjectRule ? t(locale, 'calendar.ruleSubject', { rule: calendar.subjectRule }) : '';
  const lines = [
    t(locale, 'calendar.connected', { mailbox: calendar.mailbox, minutes: Math.max(1, Math.round(intervalMs / 60_000)) }),
    t(locale, 'calendar.rules', { category: calendar.category, rule }),
    ...refused,
  ];
  // One line per recurring series, however many meetings it holds.
  if (series.length > 0) {
    lines.push([t(locale, 'calendar.seriesHeading', { weeks: horizonWeeksOf(calendar) }), ...series.map((s) => `- ${seriesLine(council, s)}`)].join('\n'));
  }
  // While the credentials are refused the mailbox's own state is from before and says nothing now.
  const mailboxState = refused.length > 0 ? undefined : state?.status;
  if (mailboxState === 'denied') lines.push(t(locale, 'calendar.statusDenied', { mailbox: calendar.mailbox }));
  else if (mailboxState === 'notFound') lines.push(t(locale, 'calendar.statusNotFound', { mailbox: calendar.mailbox }));
  else if (mailboxState === 'failing') lines.push(t(locale, 'calendar.statusFailing', { detail: state?.detail ?? '' }));
  if (state?.mailbox === calendar.mailbox && state.unknownZones?.length) lines.push(unknownZonesLine(locale, council, state.unknownZones));
  // What works and what does not for Teams links, once an online meeting has shown it.
  if (state?.mailbox === calendar.mailbox && state.teams) {
    const key = state.teams === 'calendar' ? 'calendar.teamsCalendar' : state.teams === 'onlineMeetings' ? 'calendar.teamsOnlineMeetings' : 'calendar.teamsManual';
    lines.push(t(locale, key, { mailbox: calendar.mailbox }));
  }
  if (state?.syncedAt) lines.push(t(locale, 'calendar.statusOk', { when: formatMeetingWhen(state.syncedAt, state.syncedAt, locale, council.timeZone).split('–')[0]! }));
  else lines.push(t(locale, 'calendar.statusNever'));
  return lines.join('\n\n');
}

/** The council's events read in a guessed zone, the first few by name, until they are mended in Outlook. */
function unknownZonesLine(locale: Locale, council: Council, events: readonly UnknownZoneEvent[]): string {
  const shown = events.slice(0, UNKNOWN_ZONES_SHOWN).map((e) => `- ${quoted(locale, e.subject || council.name)} (${e.zone}): ${formatMeetingWhen(e.startsAt, e.endsAt, locale, council.timeZone)}`);
  const more = events.length > UNKNOWN_ZONES_SHOWN ? [t(locale, 'calendar.statusUnknownZonesMore', { count: events.length - UNKNOWN_ZONES_SHOWN })] : [];
  return [t(locale, 'calendar.statusUnknownZones', { timeZone: council.timeZone }), ...shown, ...more].join('\n');
}

const UNKNOWN_ZONES_SHOWN = 5;

/** Swedish quotes a title ”so”, English “so”. */
function quoted(locale: Locale, text: string): string {
  return locale === 'sv' ? `”${text}”` : `“${text}”`;
}

/** "Vårdvalsråd: var fjärde torsdag 13.00, 9 möten till juni". */
function seriesLine(council: Council, view: SeriesView): string {
  return `${view.series.subject}: ${view.words || t(council.locale, 'calendar.seriesUnknownPattern')}`;
}

/** The one notice of a series found in the calendar: the series in words, and which of its meetings are here already. */
export function seriesNoticeText(council: Council, view: SeriesView): string {
  const { locale, timeZone } = council;
  const weeks = horizonWeeksOf(council.calendar ?? { mailbox: '', category: '', subjectRule: null });
  const dates = view.planned.map((at) => {
    const zoned = utcToZoned(at, timeZone);
    return `${formatShortDate(zoned.date, locale)} ${formatTime(zoned.time, locale)}`;
  });
  const head = t(locale, 'calendar.noticeSeries', { line: seriesLine(council, view) });
  const tail = dates.length > 0 ? t(locale, 'calendar.noticeSeriesPlanned', { weeks, dates: dates.join(', ') }) : t(locale, 'calendar.noticeSeriesLater', { weeks });
  return `${head} ${tail}`;
}

/**
 * "kalender" (status), "kalender: rådet@region.se" (connect), "kalender av" (disconnect),
 * "kalender kategori: Vårdvalsråd", "kalender ämne: Vårdvalsråd" (how events are recognised).
 */
export async function calendarCommand(turn: CommandTurn, args: string): Promise<void> {
  const deps = turn.kit.calendarDeps;
  const activity = turn.context.activity;
  const actor = { conversationId: councilConversationId(activity), actorId: activity.from.id };
  const value = args.trim();
  const lower = value.toLocaleLowerCase('sv');
  const rule = /^(kategori|category|ämne|ämnesregel|subject|horisont|horizon)\s*(?::\s*)?(\S.*)?$/i.exec(value);
  if (/^(av|off|koppla bort|disconnect)$/.test(lower)) {
    await disconnectCalendar(deps, actor);
    await turn.context.sendActivity(t(turn.locale, 'calendar.disconnected'));
    return;
  }
  if (rule) {
    const isCategory = /^(kategori|category)$/i.test(rule[1]!);
    const isHorizon = /^(horisont|horizon)$/i.test(rule[1]!);
    const text = /^(ingen|none|-)$/i.test((rule[2] ?? '').trim()) ? '' : (rule[2] ?? '');
    const view = await setCalendarRule(deps, { ...actor, ...(isHorizon ? { horizon: text } : isCategory ? { category: text } : { subjectRule: text }) });
    await turn.context.sendActivity(`${t(turn.locale, 'calendar.ruleSaved')} ${statusOf(turn, view.council)}`);
    return;
  }
  if (value !== '') {
    const view = await connectCalendar(deps, { ...actor, mailbox: value });
    await turn.context.sendActivity(calendarStatusText(turn.locale, view.council, undefined, true, deps.syncIntervalMs).split('\n\n').slice(0, 2).join('\n\n'));
    return;
  }
  const { view, state, graph, graphStatus, series } = await calendarStatus(deps, actor.conversationId);
  await turn.context.sendActivity(calendarStatusText(turn.locale, view.council, state, graph, deps.syncIntervalMs, graphStatus, series));
}

function statusOf(turn: CommandTurn, council: Council): string {
  const calendar = council.calendar!;
  const rule = calendar.subjectRule ? t(turn.locale, 'calendar.ruleSubject', { rule: calendar.subjectRule }) : '';
  return `${t(turn.locale, 'calendar.rules', { category: calendar.category, rule })} ${t(turn.locale, 'calendar.horizon', { weeks: horizonWeeksOf(calendar) })}`;
}
