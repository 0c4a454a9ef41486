import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MEETINGS, parseScheduleText } from '../../src/domain/schedule-text.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/agendas/${name}`, import.meta.url), 'utf8');
const september = { today: '2024-09-01' };

describe('parseScheduleText on the real fixture', () => {
  it('reads exactly the six meetings of the autumn plan table and ignores the slides around it', () => {
    const r = parseScheduleText(fixture('vardvalsrad-fysioterapi-2024-09-10-agenda.txt'), september);
    expect(r.meetings.map((m) => [m.date, m.start, m.end, m.online, m.place, m.title])).toEqual([
      ['2024-09-10', '14:00', '16:00', true, undefined, 'Vårdvalsråd fysioterapi'],
      ['2024-09-30', '14:00', '16:00', true, undefined, 'Utvecklingsgrupp vårdval fysioterapi'],
      ['2024-10-15', '13:00', '16:00', false, 'Regionens hus', 'Vårdvalsråd fysioterapi'],
      ['2024-11-12', '14:00', '16:00', true, undefined, 'Utvecklingsgrupp vårdval fysioterapi'],
      ['2024-11-27', '14:00', '16:00', true, undefined, 'Vårdvalsråd fysioterapi'],
      ['2024-12-03', '08:30', '15:30', false, 'Regionens hus', 'Nätverk vårdval fysioterapi'],
    ]);
    expect(r.meetings[0]!.notes).toBe('Kallelse i outlook är utskickad, med teamslänk. Agenda kommer skickas ut');
    expect(r.meetings[0]!.sourceLine).toBe(348);
    expect(r.unparsed).toEqual([]);
  });

  it('reads the planning tables of the vårdcentral deck once, with dates written as YYMMDD', () => {
    const r = parseScheduleText(fixture('vardvalsrad-vardcentral-2026-03-26-agenda.txt'), { today: '2026-01-01' });
    expect(r.meetings).toHaveLength(13);
    expect(r.meetings[0]).toMatchObject({ date: '2026-01-13', title: 'HSN AU', online: false, sourceLine: 30 });
    expect(r.unparsed).toEqual([]);
  });
});

describe('parseScheduleText lists', () => {
  it('reads the common ways of writing a meeting on one line', () => {
    const r = parseScheduleText(
      ['18 mars, digitalt, Teams', '10 juni, fysiskt (Regionens Hus, Göteborg)', '2026-12-03 13:00-16:00 Regionens hus', '3/12 kl 13–16', 'Tisdag 14 okt 2025 kl. 9.30–12 Vårdvalsråd, Regionens hus'].join(
        '\n',
      ),
      { today: '2025-01-10' },
    );
    expect(r.meetings).toEqual([
      { date: '2025-03-18', online: true, sourceLine: 1 },
      { date: '2025-06-10', online: false, place: 'Regionens Hus, Göteborg', sourceLine: 2 },
      { date: '2026-12-03', start: '13:00', end: '16:00', online: false, place: 'Regionens hus', sourceLine: 3 },
      // Year-less dates keep the pasted list in order: not before the 2026 meeting above it.
      { date: '2026-12-03', start: '13:00', end: '16:00', online: false, sourceLine: 4 },
      { date: '2025-10-14', start: '09:30', end: '12:00', online: false, place: 'Regionens hus', title: 'Vårdvalsråd', sourceLine: 5 },
    ]);
    expect(r.unparsed).toEqual([]);
  });

  it('runs a year-less list on into the next year', () => {
    const r = parseScheduleText('10 sep\n15 okt\n3 dec\n14 jan', { today: '2024-09-15' });
    expect(r.meetings.map((m) => m.date)).toEqual(['2024-09-10', '2024-10-15', '2024-12-03', '2025-01-14']);
    const oneLine = parseScheduleText('10 sep, 15 okt, 3 dec och 14 jan', { today: '2024-09-15' });
    expect(oneLine.meetings.map((m) => [m.date, m.sourceLine])).toEqual([
      ['2024-09-10', 1],
      ['2024-10-15', 1],
      ['2024-12-03', 1],
      ['2025-01-14', 1],
    ]);
  });

  it('puts a date from the last couple of months in this year, and older ones in the next', () => {
    const r = parseScheduleText('1 aug\n1 jun', { today: '2024-09-15' });
    expect(r.meetings.map((m) => m.date)).toEqual(['2024-08-01', '2025-06-01']);
  });

  it('reads English dates, weekdays and am/pm', () => {
    const r = parseScheduleText('Tue 5 Nov 1:00-2:30 pm, online\nMarch 4, 2025 at 9:00, Room 4B', { today: '2024-09-01' });
    expect(r.meetings).toEqual([
      { date: '2024-11-05', start: '13:00', end: '14:30', online: true, sourceLine: 1 },
      { date: '2025-03-04', start: '09:00', online: false, place: 'Room 4B', sourceLine: 2 },
    ]);
  });

  it('hands back impossible dates, backwards times and lines without a date, but not headers', () => {
    const r = parseScheduleText('# Mötesplan\n\nDatum och tid, plats\n31 feb\n2026-13-01 13:00\n12 maj 16-14 Teams\n29 feb 2025\nVi ses i vår\n12 maj 14-16', september);
    expect(r.unparsed).toEqual([
      { line: 4, text: '31 feb' },
      { line: 5, text: '2026-13-01 13:00' },
      { line: 6, text: '12 maj 16-14 Teams' },
      { line: 7, text: '29 feb 2025' },
      { line: 8, text: 'Vi ses i vår' },
    ]);
    expect(r.meetings).toEqual([{ date: '2025-05-12', start: '14:00', end: '16:00', online: false, sourceLine: 9 }]);
  });

  it('reads a table with its own place column and skips the header', () => {
    const r = parseScheduleText('Datum\tTid\tPlats\tMöte\n2026-02-03\t13-16\tTeams\tRådet\n2026-03-03\t13-16\tSal A, Regionens hus\tRådet', september);
    expect(r.meetings).toEqual([
      { date: '2026-02-03', start: '13:00', end: '16:00', online: true, title: 'Rådet', sourceLine: 2 },
      { date: '2026-03-03', start: '13:00', end: '16:00', online: false, place: 'Sal A, Regionens hus', title: 'Rådet', sourceLine: 3 },
    ]);
  });

  it('never throws on a missing or broken reference date', () => {
    expect(parseScheduleText('10 sep\n2025-01-01', { today: 'igår' })).toEqual({
      meetings: [{ date: '2025-01-01', online: false, sourceLine: 2 }],
      unparsed: [{ line: 1, text: '10 sep' }],
    });
  });

  it('cuts oversized input', () => {
    const r = parseScheduleText(Array.from({ length: 12_000 }, (_, i) => `2026-01-${String((i % 28) + 1).padStart(2, '0')} kl ${(i % 10) + 8}`).join('\n'), september);
    expect(r.truncated).toBe(true);
    expect(r.meetings.length).toBeLessThanOrEqual(MAX_MEETINGS);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const SV_MONTHS = ['jan', 'februari', 'mars', 'apr', 'maj', 'juni', 'jul', 'augusti', 'sept', 'okt', 'november', 'dec'];
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const validDate = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .filter(([y, m, d]) => d <= daysIn(y, m));
const pad = (n: number) => String(n).padStart(2, '0');

describe('parseScheduleText properties', () => {
  it('never throws and only returns well-formed meetings', () => {
    const fragment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('10 sep', '31 feb', '3/12', '2026-13-01', 'kl 13–16', '14-16', '8.30-15.30', 'Teams', 'fysiskt', '(Regionens hus)', '\t', '\n', 'Datum\tPlats', 'tisdag', 'pm'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }).map((f) => f.join(' ')), fc.constantFrom('2024-09-01', '2026-02-28', '1999-12-31'), (text, today) => {
        const r = parseScheduleText(text, { today });
        for (const m of r.meetings) {
          expect(m.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          if (m.start && m.end) expect(m.end > m.start).toBe(true);
          expect(typeof m.online).toBe('boolean');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips valid dates and times in every supported spelling', () => {
    const style = fc.constantFrom('iso', 'named', 'slash');
    const line = fc.tuple(validDate, style, fc.option(fc.tuple(fc.integer({ min: 6, max: 20 }), fc.integer({ min: 1, max: 3 }))));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        const text = lines
          .map(([[y, m, d], s, time]) => {
            const date = s === 'iso' ? `${y}-${pad(m)}-${pad(d)}` : s === 'named' ? `${d} ${SV_MONTHS[m - 1]} ${y}` : `${d}/${m} ${y}`;
            return time ? `${date} ${time[0]}.00-${time[0] + time[1]}.00` : date;
          })
          .join('\n');
        const r = parseScheduleText(text, september);
        expect(r.unparsed).toEqual([]);
        // Identical lines are one meeting.
        const expected = [...new Map(lines.map(([[y, m, d], , time]) => {
          const meeting = { date: `${y}-${pad(m)}-${pad(d)}`, start: time ? `${pad(time[0])}:00` : undefined, end: time ? `${pad(time[0] + time[1])}:00` : undefined };
          return [JSON.stringify(meeting), meeting] as const;
        })).values()];
        expect(r.meetings.map((m) => ({ date: m.date, start: m.start, end: m.end }))).toEqual(expected);
      }),
    );
  });

  it('puts impossible dates in unparsed, never in meetings', () => {
    const impossible = fc.oneof(
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${daysIn(y, m) + 1} ${SV_MONTHS[m - 1]} ${y}`),
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${m}-${pad(d)}`),
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${pad(m)}-00`),
      fc.constantFrom('31 feb', '30 februari', '31 apr', '32 jan', '0 mars'),
    );
    fc.assert(
      fc.property(fc.array(impossible, { minLength: 1, maxLength: 10 }), (lines) => {
        const r = parseScheduleText(lines.join('\n'), september);
        expect(r.meetings).toEqual([]);
        expect(r.unparsed.map((u) => u.line)).toEqual(lines.map((_, i) => i + 1));
      }),
    );
  });

  it('infers years that keep a chronological year-less list in order, from two months back', () => {
    fc.assert(
      fc.property(validDate, fc.uniqueArray(fc.integer({ min: -55, max: 300 }), { minLength: 1, maxLength: 12 }), ([y, m, d], offsets) => {
        const today = Date.UTC(y, m - 1, d);
        const days = [...offsets].sort((a, b) => a - b).map((o) => new Date(today + o * 86_400_000));
        const text = days.map((date) => `${date.getUTCDate()} ${SV_MONTHS[date.getUTCMonth()]}`).join('\n');
        const r = parseScheduleText(text, { today: `${y}-${pad(m)}-${pad(d)}` });
        expect(r.meetings.map((mt) => mt.date)).toEqual(days.map((date) => date.toISOString().slice(0, 10)));
      }),
    );
  });
});

describe('places and years as invitations write them', () => {
  it('keeps a named room with its building and town, commas and all', () => {
    const r = parseScheduleText('18 mars 13.00-16.00, Lokal Resenären, Stationshuset, Göteborg\n20 maj 13-16 Regionens hus, Halmstad', { today: '2026-12-07' });
    expect(r.meetings.map((m) => [m.date, m.place, m.title])).toEqual([
      ['2027-03-18', 'Lokal Resenären, Stationshuset, Göteborg', undefined],
      ['2027-05-20', 'Regionens hus, Halmstad', undefined],
    ]);
    expect(parseScheduleText('18 mars, Lokal: Sal 3', { today: '2026-12-07' }).meetings[0]?.place).toBe('Sal 3');
  });

  it('takes the year of dates without one from the meeting they were pasted with', () => {
    const r = parseScheduleText('18 mars\n20 maj\n9 december', { today: '2026-12-07', after: '2028-01-13' });
    expect(r.meetings.map((m) => m.date)).toEqual(['2028-03-18', '2028-05-20', '2028-12-09']);
    expect(parseScheduleText('2029-02-01\n18 mars', { today: '2026-12-07', after: '2028-01-13' }).meetings.map((m) => m.date)).toEqual(['2029-02-01', '2029-03-18']);
  });
});

describe('a next-meetings list pasted with its heading', () => {
  it('reads the heading as naming the list, not the first meeting', () => {
    const r = parseScheduleText('Nästkommande möten: 18 mars, 20 maj\n**Kommande möten 2027**\n9 sep', { today: '2026-12-07' });
    expect(r.meetings.map((m) => [m.date, m.title])).toEqual([
      ['2027-03-18', undefined],
      ['2027-05-20', undefined],
      ['2027-09-09', undefined],
    ]);
    expect(r.unparsed).toEqual([]);
  });
});
