import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGraph, startFakeGraph } from '../support/fake-graph.js';
import { checkRecurrence, dateOf, dayNumber, recurrenceDays } from '../support/fake-graph-recurrence.js';

const MAILBOX = 'vardvalsradet@region.se';

/** Every fourth Thursday 13.00–15.00 Stockholm time, from 8 October 2026 to the end of June 2027. */
const everyFourthThursday = {
  pattern: { type: 'weekly', interval: 4, daysOfWeek: ['thursday'], firstDayOfWeek: 'monday' },
  range: { type: 'endDate', startDate: '2026-10-08', endDate: '2027-06-30' },
};

function days(recurrence: unknown, until = '2030-01-01'): string[] {
  return recurrenceDays(checkRecurrence(recurrence), dayNumber(until)).map(dateOf);
}

describe('recurrence expansion', () => {
  it('weekly every fourth Thursday until an end date', () => {
    expect(days(everyFourthThursday)).toEqual([
      '2026-10-08', '2026-11-05', '2026-12-03', '2026-12-31', '2027-01-28', '2027-02-25', '2027-03-25', '2027-04-22', '2027-05-20', '2027-06-17',
    ]);
  });

  it('weekly on two days every other week, from a start date that does not fit the pattern', () => {
    const recurrence = { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['Monday', 'Tuesday'] }, range: { type: 'numbered', startDate: '2017-09-05', numberOfOccurrences: 5 } };
    // 5 September 2017 is a Tuesday: the Monday of that week is before the start, so the first is the Tuesday.
    expect(days(recurrence)).toEqual(['2017-09-05', '2017-09-18', '2017-09-19', '2017-10-02', '2017-10-03']);
  });

  it('relative monthly: the first Thursday of every other month, the last Friday of each month', () => {
    // The documentation's example: starting 29 August 2017, the first occurrence is in September... of the pattern's months.
    expect(days({ pattern: { type: 'relativeMonthly', interval: 2, daysOfWeek: ['thursday'], index: 'first' }, range: { type: 'numbered', startDate: '2017-08-29', numberOfOccurrences: 3 } })).toEqual([
      '2017-10-05', '2017-12-07', '2018-02-01',
    ]);
    expect(days({ pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' }, range: { type: 'endDate', startDate: '2027-01-01', endDate: '2027-03-31' } })).toEqual([
      '2027-01-29', '2027-02-26', '2027-03-26',
    ]);
  });

  it('absolute monthly and yearly, daily, and no end', () => {
    expect(days({ pattern: { type: 'absoluteMonthly', interval: 3, dayOfMonth: 7 }, range: { type: 'numbered', startDate: '2027-01-07', numberOfOccurrences: 3 } })).toEqual(['2027-01-07', '2027-04-07', '2027-07-07']);
    expect(days({ pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 15, month: 4 }, range: { type: 'numbered', startDate: '2027-01-01', numberOfOccurrences: 2 } })).toEqual(['2027-04-15', '2028-04-15']);
    expect(days({ pattern: { type: 'daily', interval: 3 }, range: { type: 'noEnd', startDate: '2027-01-30' } }, '2027-02-06')).toEqual(['2027-01-30', '2027-02-02', '2027-02-05']);
  });

  it('refuses what Graph refuses', () => {
    expect(() => checkRecurrence({ pattern: { type: 'weekly', interval: 1 }, range: { type: 'noEnd', startDate: '2027-01-01' } })).toThrow(/daysOfWeek/);
    expect(() => checkRecurrence({ pattern: { type: 'weekly', interval: 0, daysOfWeek: ['monday'] }, range: { type: 'noEnd', startDate: '2027-01-01' } })).toThrow(/interval/);
    expect(() => checkRecurrence({ pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday'], index: 'fifth' }, range: { type: 'noEnd', startDate: '2027-01-01' } })).toThrow(/index/);
    expect(() => checkRecurrence({ pattern: { type: 'daily', interval: 1 }, range: { type: 'endDate', startDate: '2027-02-01', endDate: '2027-01-01' } })).toThrow(/end date/);
  });
});

describe('a recurring series in the fake Graph', () => {
  let fake: FakeGraph;
  let bearer: string;

  beforeEach(async () => {
    fake = await startFakeGraph({ mailboxes: [MAILBOX] });
    const res = await fetch(fake.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: fake.clientId, client_secret: fake.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
    });
    bearer = ((await res.json()) as { access_token: string }).access_token;
  });
  afterEach(async () => {
    await fake.close();
  });

  async function get(pathOrUrl: string): Promise<{ status: number; json: any }> {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${fake.graphBaseUrl}${pathOrUrl}`;
    const res = await fetch(url, { headers: { Authorization: `Bearer ${bearer}`, Prefer: 'outlook.timezone="UTC", odata.maxpagesize=4' } });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  }

  async function round(url: string): Promise<{ items: any[]; deltaLink: string; pages: number }> {
    const items: any[] = [];
    let pages = 0;
    for (let next: string | undefined = url; next; ) {
      const page = await get(next);
      expect(page.status).toBe(200);
      pages += 1;
      items.push(...page.json.value);
      if (page.json['@odata.deltaLink']) return { items, deltaLink: page.json['@odata.deltaLink'], pages };
      next = page.json['@odata.nextLink'];
    }
    throw new Error('no deltaLink');
  }

  const box = `/users/${encodeURIComponent(MAILBOX)}`;
  const window = 'startDateTime=2026-09-01T00:00:00Z&endDateTime=2027-10-01T00:00:00Z';

  function series() {
    return fake.outlookCreateSeries(MAILBOX, {
      subject: 'Vårdvalsråd',
      start: '2026-10-08T11:00:00Z',
      end: '2026-10-08T13:00:00Z',
      location: 'Regionens hus',
      categories: ['Vårdvalsråd'],
      recurrence: everyFourthThursday,
    });
  }

  it('calendarView gives each occurrence at 13.00 Stockholm time, in summer and winter, and no master', async () => {
    const master = series();
    expect(master).toMatchObject({ type: 'seriesMaster', recurrence: { pattern: { type: 'weekly', interval: 4 } }, start: { dateTime: '2026-10-08T11:00:00.0000000' } });
    const view = await get(`${box}/calendarView?${window}&$top=50`);
    expect(view.json.value.map((e: any) => e.type)).toEqual(Array(10).fill('occurrence'));
    expect(view.json.value.map((e: any) => e.start.dateTime.slice(0, 16)).slice(0, 3)).toEqual(['2026-10-08T11:00', '2026-11-05T12:00', '2026-12-03T12:00']);
    expect(view.json.value[1]).toMatchObject({ seriesMasterId: master.id, subject: 'Vårdvalsråd', occurrenceId: `OID.${master.id}.2026-11-05` });
    // The events collection has the master, not its occurrences; an occurrence's id reads the occurrence.
    expect((await get(`${box}/events`)).json.value.map((e: any) => e.type)).toEqual(['seriesMaster']);
    const one = await get(`${box}/events/${encodeURIComponent(view.json.value[2].id)}`);
    expect(one.json).toMatchObject({ type: 'occurrence', start: { dateTime: '2026-12-03T12:00:00.0000000' } });
  });

  it('delta gives the master, bare occurrences and full exceptions, a series never split over pages', async () => {
    const master = series();
    const occurrences = fake.occurrences(MAILBOX, master.id, '2026-09-01T00:00:00Z', '2027-10-01T00:00:00Z');
    fake.outlookUpdate(MAILBOX, occurrences[1]!.id, { start: '2026-11-06T09:00:00Z', end: '2026-11-06T11:00:00Z' });
    fake.outlookDelete(MAILBOX, occurrences[3]!.id);
    const single = fake.outlookCreate(MAILBOX, { subject: 'Extra', start: '2026-09-15T08:00:00Z', end: '2026-09-15T09:00:00Z' });
    const after = fake.outlookCreate(MAILBOX, { subject: 'Efter', start: '2026-10-10T08:00:00Z', end: '2026-10-10T09:00:00Z' });
    // Pages of four: the single event, then the series whole on one page, then the next event.
    const first = await round(`${fake.graphBaseUrl}${box}/calendarView/delta?${window}`);
    expect(first.pages).toBe(2);
    expect(first.items[0].id).toBe(single.id);
    expect(first.items.at(-1).id).toBe(after.id);
    const rest = first.items.slice(1, -1);
    expect(rest[0]).toMatchObject({ id: master.id, type: 'seriesMaster', subject: 'Vårdvalsråd' });
    expect(rest.filter((e) => e.type === 'occurrence')).toHaveLength(8);
    expect(Object.keys(rest.find((e) => e.type === 'occurrence')).sort()).toEqual(['@odata.etag', '@odata.type', 'end', 'id', 'seriesMasterId', 'start', 'type']);
    const moved = rest.find((e) => e.type === 'exception');
    expect(moved).toMatchObject({ id: occurrences[1]!.id, subject: 'Vårdvalsråd', originalStart: '2026-11-05T12:00:00Z', start: { dateTime: '2026-11-06T09:00:00.0000000' } });
    expect(rest.some((e) => e.id === occurrences[3]!.id)).toBe(false);

    // Nothing changed: an empty round. Then one occurrence deleted: the series again, without it, and no @removed.
    expect((await round(first.deltaLink)).items).toEqual([]);
    fake.outlookDelete(MAILBOX, occurrences[5]!.id);
    const next = await round(first.deltaLink);
    expect(next.items.some((e) => e['@removed'])).toBe(false);
    expect(next.items.filter((e) => e.seriesMasterId === master.id)).toHaveLength(8);
    expect(next.items.some((e) => e.id === occurrences[5]!.id)).toBe(false);

    // The whole series deleted: the master and its occurrences are @removed.
    fake.outlookDelete(MAILBOX, master.id);
    const gone = await round(next.deltaLink);
    expect(gone.items.every((e) => e['@removed'])).toBe(true);
    expect(gone.items.map((e) => e.id)).toContain(master.id);
    expect(gone.items).toHaveLength(9);
  });

  it('marks an attendee copy of a cancelled occurrence cancelled, and leaves the rest of the series', async () => {
    const master = series();
    const [first] = fake.occurrences(MAILBOX, master.id, '2026-10-01T00:00:00Z', '2026-10-31T00:00:00Z');
    fake.outlookMarkCancelled(MAILBOX, first!.id);
    const view = await get(`${box}/calendarView?startDateTime=2026-10-01T00:00:00Z&endDateTime=2026-11-30T00:00:00Z`);
    expect(view.json.value.map((e: any) => [e.type, e.isCancelled])).toEqual([
      ['exception', true],
      ['occurrence', false],
    ]);
  });
});
