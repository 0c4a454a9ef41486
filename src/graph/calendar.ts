import { z } from 'zod';
import {
  type Calendar,
  CalendarAccessError,
  type CalendarChange,
  type CalendarEvent,
  type CalendarEventDetail,
  type CalendarEventInput,
  type CalendarEventPatch,
  type CalendarSeriesPart,
  CalendarSyncExpired,
  TeamsMeetingRefused,
  TransientError,
} from '../app/ports.js';
import { readRecurrence } from '../domain/recurrence.js';
import { storableText } from '../domain/storable-text.js';
import { zonedToUtc } from '../domain/meeting-time.js';
import { GraphError, type GraphHttp } from './http.js';
import { ianaZoneOf } from './time-zones.js';

/** Events per delta page: Graph's own default is 10, which makes a year of meetings many round trips. */
const DELTA_PAGE_SIZE = 50;
const UTC_PREFERENCE = { Prefer: 'outlook.timezone="UTC"' };

// What someone typed in Outlook reaches the store as a meeting's title and place.
const storable = z.string().transform(storableText);

const dateTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().optional() });

// Only `id` is certain: a delta item may lack anything else, and is then judged by what it has.
const graphEvent = z
  .object({
    id: z.string().min(1),
    subject: storable.nullish(),
    start: dateTimeZone.nullish(),
    end: dateTimeZone.nullish(),
    location: z.object({ displayName: storable.nullish() }).nullish(),
    categories: z.array(z.string()).nullish(),
    isCancelled: z.boolean().nullish(),
    onlineMeeting: z.object({ joinUrl: z.string().nullish() }).nullish(),
    // singleInstance, occurrence, exception or seriesMaster; an occurrence in a delta round has little else.
    type: z.string().nullish(),
    seriesMasterId: z.string().nullish(),
    recurrence: z.unknown().optional(),
    '@removed': z.object({ reason: z.string().optional() }).optional(),
  })
  .passthrough();

type GraphEvent = z.infer<typeof graphEvent>;

const eventDetail = graphEvent.and(
  z
    .object({
      body: z.object({ content: z.string().nullish() }).nullish(),
      attendees: z.array(z.object({ emailAddress: z.object({ address: z.string().nullish() }).nullish() }).passthrough()).nullish(),
    })
    .passthrough(),
);

const calendarResource = z.object({ allowedOnlineMeetingProviders: z.array(z.string()).nullish() }).passthrough();
const directoryUser = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish() }).passthrough();
const userPage = z.object({ value: z.array(directoryUser) });
const onlineMeeting = z.object({ joinWebUrl: z.string().url() }).passthrough();

const TEAMS = 'teamsForBusiness';

const deltaPage = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().url().optional(),
  '@odata.deltaLink': z.string().url().optional(),
});

/** Graph's "2026-11-30T09:00:00.0000000" as a wall clock "2026-11-30T09:00"; undefined when it is not one. */
function wallClockOf(dateTime: string): { date: string; time: string } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(dateTime);
  if (!match) return undefined;
  const at = new Date(`${match[1]}T${match[2]}:00Z`);
  // "2026-02-30" parses as 2 March: only a date that reads back the same is one.
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 16) !== `${match[1]}T${match[2]}`) return undefined;
  return { date: match[1]!, time: match[2]! };
}

/**
 * Graph's date-time in a zone, as a UTC instant. Asked for UTC, Graph mostly answers in UTC, but
 * not always (all-day events keep their own zone), so any zone it names is read. Undefined when
 * the date-time cannot be read, or its zone is one nobody knows.
 */
export function instantOf(value: z.infer<typeof dateTimeZone>, zone = ianaZoneOf(value.timeZone)): string | undefined {
  const wall = wallClockOf(value.dateTime);
  if (!wall || !zone) return undefined;
  return zonedToUtc(wall.date, wall.time, zone);
}

/** Which part of a recurring series the event is, from Graph's type and seriesMasterId. */
function seriesPart(e: GraphEvent): CalendarSeriesPart | undefined {
  if (e.type === 'seriesMaster') return { kind: 'master', masterId: e.id, recurrence: readRecurrence(e.recurrence) };
  if ((e.type === 'occurrence' || e.type === 'exception') && e.seriesMasterId) return { kind: e.type, masterId: e.seriesMasterId, recurrence: null };
  return undefined;
}

/**
 * Start and end as instants. An event whose zone nobody knows is kept, never dropped: its wall
 * clock is read as UTC for now and handed on with the zone's name, for the app to read in the
 * council's own zone and tell the chair.
 */
function timesOf(e: GraphEvent): Pick<CalendarEvent, 'startsAt' | 'endsAt' | 'unknownZone'> | undefined {
  if (!e.start || !e.end) return undefined;
  const startZone = ianaZoneOf(e.start.timeZone);
  const endZone = ianaZoneOf(e.end.timeZone);
  const startsAt = instantOf(e.start, startZone ?? 'UTC');
  const endsAt = instantOf(e.end, endZone ?? 'UTC');
  if (!startsAt || !endsAt) return undefined;
  if (startZone && endZone) return { startsAt, endsAt };
  const start = wallClockOf(e.start.dateTime)!;
  const end = wallClockOf(e.end.dateTime)!;
  const zone = (startZone ? e.end.timeZone : e.start.timeZone)!.trim();
  return { startsAt, endsAt, unknownZone: { zone, start: `${start.date}T${start.time}`, end: `${end.date}T${end.time}` } };
}

function toEvent(e: GraphEvent): CalendarEvent | undefined {
  const times = timesOf(e);
  if (!times) return undefined;
  const series = seriesPart(e);
  return {
    ...(series ? { series } : {}),
    ...times,
    id: e.id,
    subject: e.subject ?? '',
    place: e.location?.displayName?.trim() || null,
    categories: e.categories ?? [],
    cancelled: e.isCancelled === true,
    onlineUrl: e.onlineMeeting?.joinUrl ?? null,
  };
}

function utcDateTime(iso: string): { dateTime: string; timeZone: string } {
  return { dateTime: iso.replace(/Z$/, '').replace(/\.\d+$/, ''), timeZone: 'UTC' };
}

function eventBody(input: CalendarEventInput): Record<string, unknown> {
  return {
    ...patchBody({ ...input, online: undefined }),
    isOnlineMeeting: input.online,
    ...(input.online ? { onlineMeetingProvider: TEAMS } : {}),
  };
}

/** Only what the patch names: a property left out is left as it is, and costs no one an e-mail. */
function patchBody(patch: CalendarEventPatch): Record<string, unknown> {
  return {
    ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
    ...(patch.bodyHtml !== undefined ? { body: { contentType: 'html', content: patch.bodyHtml } } : {}),
    // UTC on the wire: no reading of a local time that summer time makes ambiguous.
    ...(patch.startsAt !== undefined ? { start: utcDateTime(patch.startsAt) } : {}),
    ...(patch.endsAt !== undefined ? { end: utcDateTime(patch.endsAt) } : {}),
    ...(patch.place !== undefined ? { location: { displayName: patch.place ?? '' } } : {}),
    ...(patch.attendees !== undefined ? { attendees: patch.attendees.map((a) => ({ emailAddress: { address: a.email, name: a.name }, type: 'required' })) } : {}),
    ...(patch.categories !== undefined ? { categories: patch.categories } : {}),
    ...(patch.online ? { isOnlineMeeting: true, onlineMeetingProvider: TEAMS } : {}),
  };
}

/** A value inside an OData string literal: a quote is doubled. */
function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function mailboxPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`;
}

const MAILBOX_ERRORS = new Set(['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI', 'ResourceNotFound', 'ErrorNonExistentMailbox', 'UserNotFound']);

/** Graph's failures, sorted into what the app can act on. */
function translate(err: unknown, mailbox: string): unknown {
  if (!(err instanceof GraphError)) return err;
  if (err.status === 403) return new CalendarAccessError('denied', `${mailbox}: ${err.code}`);
  if (err.status === 404 && MAILBOX_ERRORS.has(err.code)) return new CalendarAccessError('notFound', `${mailbox}: ${err.code}`);
  if (err.status === 410) return new CalendarSyncExpired();
  if (err.transient || err.code === 'InvalidResponse') return new TransientError(`Graph ${err.status} ${err.code}: ${err.message}`, err.retryAfterMs);
  return err;
}

async function guarded<T>(mailbox: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw translate(err, mailbox);
  }
}

/** Council calendars in Exchange Online through Graph (app-only, one mailbox per council). */
export function graphCalendar(http: GraphHttp): Calendar {
  return {
    createEvent(mailbox, input, transactionId) {
      return guarded(mailbox, async () => {
        const created = await http.call(
          { method: 'POST', path: `${mailboxPath(mailbox)}/events`, body: { ...eventBody(input), transactionId }, headers: UTC_PREFERENCE },
          graphEvent,
        );
        const event = toEvent(created);
        if (!event) throw new GraphError(200, 'InvalidResponse', 'Graph created an event without start or end');
        return event;
      });
    },
    getEvent(mailbox, eventId) {
      return guarded(mailbox, async () => {
        try {
          const found = await http.call(
            {
              method: 'GET',
              path: `${mailboxPath(mailbox)}/events/${encodeURIComponent(eventId)}?$select=subject,start,end,location,categories,isCancelled,onlineMeeting,body,attendees`,
              headers: { Prefer: `${UTC_PREFERENCE.Prefer}, outlook.body-content-type="html"` },
            },
            eventDetail,
          );
          const event = toEvent(found);
          if (!event) return undefined;
          const detail: CalendarEventDetail = {
            ...event,
            bodyHtml: found.body?.content ?? '',
            attendees: (found.attendees ?? []).map((a) => a.emailAddress?.address ?? '').filter((a) => a !== ''),
          };
          return detail;
        } catch (err) {
          if (err instanceof GraphError && err.status === 404 && !MAILBOX_ERRORS.has(err.code)) return undefined;
          throw err;
        }
      });
    },
    updateEvent(mailbox, eventId, patch) {
      return guarded(mailbox, async () => {
        try {
          const updated = await http.call(
            { method: 'PATCH', path: `${mailboxPath(mailbox)}/events/${encodeURIComponent(eventId)}`, body: patchBody(patch), headers: UTC_PREFERENCE },
            graphEvent,
          );
          return toEvent(updated);
        } catch (err) {
          if (err instanceof GraphError && err.status === 404 && !MAILBOX_ERRORS.has(err.code)) return undefined;
          throw err;
        }
      });
    },
    allowsTeams(mailbox) {
      return guarded(mailbox, async () => {
        const calendar = await http.call({ method: 'GET', path: `${mailboxPath(mailbox)}/calendar?$select=allowedOnlineMeetingProviders,defaultOnlineMeetingProvider` }, calendarResource);
        return (calendar.allowedOnlineMeetingProviders ?? []).includes(TEAMS);
      });
    },
    async createTeamsMeeting(mailbox, meeting) {
      // The onlineMeetings API wants the organizer's object id, which only a directory read gives.
      let userId: string;
      try {
        userId = (await http.call({ method: 'GET', path: `${mailboxPath(mailbox)}?$select=id` }, directoryUser)).id;
      } catch (err) {
        if (err instanceof GraphError && (err.status === 403 || err.status === 404)) throw new TeamsMeetingRefused(`User.Read.All (${err.status} ${err.code})`);
        throw translate(err, mailbox);
      }
      try {
        const made = await http.call(
          {
            method: 'POST',
            path: `/users/${encodeURIComponent(userId)}/onlineMeetings/createOrGet`,
            body: { externalId: meeting.externalId, subject: meeting.subject, startDateTime: meeting.startsAt, endDateTime: meeting.endsAt },
          },
          onlineMeeting,
        );
        return made.joinWebUrl;
      } catch (err) {
        if (err instanceof GraphError && (err.status === 401 || err.status === 403 || err.status === 404)) {
          throw new TeamsMeetingRefused(`OnlineMeetings.ReadWrite.All with an application access policy (${err.status} ${err.code})`);
        }
        throw translate(err, mailbox);
      }
    },
    async mailboxOf(address) {
      try {
        const filter = `proxyAddresses/any(x:x eq ${odataString(`smtp:${address}`)})`;
        const page = await http.call({ method: 'GET', path: `/users?$filter=${encodeURIComponent(filter)}&$select=id,userPrincipalName` }, userPage);
        return page.value.find((u) => u.userPrincipalName)?.userPrincipalName ?? undefined;
      } catch (err) {
        // Without User.Read.All the chair is asked for the main address instead.
        if (err instanceof GraphError && err.status === 403) return undefined;
        throw translate(err, address);
      }
    },
    cancelEvent(mailbox, eventId, comment) {
      return guarded(mailbox, async () => {
        try {
          await http.send({ method: 'POST', path: `${mailboxPath(mailbox)}/events/${encodeURIComponent(eventId)}/cancel`, body: { comment } });
        } catch (err) {
          if (err instanceof GraphError && err.status === 404 && !MAILBOX_ERRORS.has(err.code)) return;
          throw err;
        }
      });
    },
    event(mailbox, eventId) {
      return guarded(mailbox, async () => {
        try {
          const found = await http.call({ method: 'GET', path: `${mailboxPath(mailbox)}/events/${encodeURIComponent(eventId)}`, headers: UTC_PREFERENCE }, graphEvent);
          return toEvent(found);
        } catch (err) {
          if (err instanceof GraphError && err.status === 404 && !MAILBOX_ERRORS.has(err.code)) return undefined;
          throw err;
        }
      });
    },
    changes(mailbox, from) {
      return guarded(mailbox, async () => {
        const path =
          'link' in from
            ? from.link
            : `${mailboxPath(mailbox)}/calendarView/delta?startDateTime=${encodeURIComponent(from.start)}&endDateTime=${encodeURIComponent(from.end)}`;
        const page = await http.call(
          { method: 'GET', path, headers: { Prefer: `${UTC_PREFERENCE.Prefer}, odata.maxpagesize=${DELTA_PAGE_SIZE}` } },
          deltaPage,
        );
        if (!page['@odata.nextLink'] && !page['@odata.deltaLink']) {
          throw new GraphError(200, 'InvalidResponse', 'Graph answered a delta page with neither a next link nor a delta link');
        }
        const changes = page.value.map((item): CalendarChange => {
          const parsed = graphEvent.safeParse(item);
          if (!parsed.success) return { kind: 'unreadable', id: String((item as { id?: unknown })?.id ?? '?'), reason: 'no id' };
          if (parsed.data['@removed']) return { kind: 'removed', id: parsed.data.id };
          const event = toEvent(parsed.data);
          return event ? { kind: 'event', event } : { kind: 'unreadable', id: parsed.data.id, reason: 'no start or end' };
        });
        return { changes, nextLink: page['@odata.nextLink'], deltaLink: page['@odata.deltaLink'] };
      });
    },
  };
}
