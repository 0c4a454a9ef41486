import { describe, expect, it } from 'vitest';
import type { ParsedAgendaItem } from '../../src/domain/agenda-text.js';
import { agendaTimeMisfit } from '../../src/domain/agenda-fit.js';

const item = (start?: string, end?: string): ParsedAgendaItem => ({ number: '1', title: 'x', presenters: [], kind: 'information', ...(start ? { start } : {}), ...(end ? { end } : {}) });

describe('an imported agenda’s times against the meeting’s', () => {
  it('fits when it starts with the meeting and ends within it, or has no times', () => {
    expect(agendaTimeMisfit([item('13:00', '13:30'), item('13:30', '16:00')], { start: '13:00', end: '16:00' })).toBeUndefined();
    expect(agendaTimeMisfit([item(), item()], { start: '08:00', end: '11:00' })).toBeUndefined();
  });

  it('proposes the agenda’s start, keeping the meeting’s length, when it starts at another hour', () => {
    expect(agendaTimeMisfit([item(), item('13:00', '13:10'), item('13:10', '15:30')], { start: '08:00', end: '11:00' })).toEqual({ start: '13:00', end: '16:00' });
    expect(agendaTimeMisfit([item('12:30')], { start: '13:00', end: '16:00' })).toEqual({ start: '12:30', end: '15:30' });
  });

  it('proposes the agenda’s end when it runs longer than the meeting, and never past midnight', () => {
    expect(agendaTimeMisfit([item('13:00'), item('16:00', '17:15')], { start: '13:00', end: '16:00' })).toEqual({ start: '13:00', end: '17:15' });
    expect(agendaTimeMisfit([item('22:00')], { start: '13:00', end: '16:00' })).toEqual({ start: '22:00', end: '23:59' });
  });
});
