import { describe, expect, it } from 'vitest';
import { parseAgendaBlocks } from '../../src/domain/agenda-text.js';
import { parseCommand } from '../../src/teams/commands.js';
import { readMessage } from '../../src/teams/message-input.js';
import { agendaShapes, flattened } from '../support/agenda-html.js';

const bot = { id: '28:bot', name: 'Rådsassistenten' };
const html = (content: string, text = flattened(content)) => ({ text, attachments: [{ contentType: 'text/html', content }], recipient: bot, entities: [] });
const time = (start?: string, end?: string) => (start ? `${start}${end ? `–${end}` : ''}`.replace(/:/g, '.') : '');

describe('reading a message as Teams sends it', () => {
  for (const shape of agendaShapes) {
    it(`imports ${shape.name} to its items`, () => {
      const parsed = parseAgendaBlocks(readMessage(html(shape.html)).blocks);
      expect(parsed.items.map((i) => ({ number: i.number, time: time(i.start, i.end), title: i.title, presenters: i.presenters }))).toEqual(shape.items);
      const descriptions = parsed.items.map((i) => i.description ?? '').join('\n');
      for (const note of shape.notes ?? []) expect(descriptions).toContain(note);
    });
  }
});
