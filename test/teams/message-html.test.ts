import fc from 'fast-check';
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
      const parsed = parseAgendaBlocks(readMessage(html(shape.html)).blocks!);
      expect(parsed.items.map((i) => ({ number: i.number, time: time(i.start, i.end), title: i.title, presenters: i.presenters }))).toEqual(shape.items);
      const descriptions = parsed.items.map((i) => i.description ?? '').join('\n');
      for (const note of shape.notes ?? []) expect(descriptions).toContain(note);
    });
  }
});

const read = (content: string, extra: Record<string, unknown> = {}) => readMessage({ ...html(content), ...extra } as never);

describe('the HTML of a message', () => {
  it('reads paragraphs and line breaks as lines, decodes entities, keeps bold words and link texts', () => {
    const input = read('<div><p><strong>dagordning</strong><br>13.00 <a href="https://x.example">Inledning</a> &amp; v&auml;lkommen&nbsp;&#8211; &lt;b&gt;</p></div>');
    expect(input.text).toBe('dagordning\n13.00 Inledning & välkommen – <b>');
    expect(parseCommand(input.text, { plain: true })).toEqual({ kind: 'importAgenda', language: 'sv', args: '13.00 Inledning & välkommen – <b>' });
  });

  it('reads an emoji as the emoji, and no other picture', () => {
    expect(read('<p>omröstning: Fika? <emoji id="like" alt="👍" title="Gilla"></emoji> <img alt="🙂" itemtype="http://schema.skype.com/Emoji" src="x"><img alt="bild" src="y"></p>').text).toBe(
      'omröstning: Fika? 👍 🙂',
    );
  });

  it('drops the bot’s own mention and keeps a person’s as their name', () => {
    const input = read('<p><at id="0">Rådsassistenten</at> dagordning</p><p>13.00 Inledning, föredragande <at id="1">Björn Berg</at></p>', {
      entities: [{ type: 'mention', text: '<at id="0">Rådsassistenten</at>', mentioned: bot }],
    });
    expect(input.text).toBe('dagordning\n13.00 Inledning, föredragande Björn Berg');
  });

  it('reads lists as indented items with their bullets and numbers, from the start an <ol> gives', () => {
    const input = read('<ol start="3"><li>Ekonomi<ul><li>Prognos<ol><li>Detaljer</li></ol></li></ul></li><li><p>Avslut</p><p>Tack för idag</p></li></ol>');
    expect(input.text).toBe('3. Ekonomi\n  - Prognos\n    1. Detaljer\n4. Avslut\n  Tack för idag');
  });

  it('keeps the indentation of a typed list, which Teams sends as no-break spaces', () => {
    const input = read('<p>dagordning:<br>- Inledning<br>&nbsp;&nbsp;- Närvaro<br>&nbsp;&nbsp;- Val av justerare<br>- Ekonomi</p>');
    expect(input.text).toBe('dagordning:\n- Inledning\n  - Närvaro\n  - Val av justerare\n- Ekonomi');
    expect(parseAgendaBlocks(input.blocks!).items.map((i) => i.number)).toEqual(['1', '1 a', '1 b', '2']);
  });

  it('nests a list pasted from Word by the level its paragraphs name, and keeps the lines of a code block', () => {
    const word = [
      '<p class="MsoListParagraph" style="text-indent:-18pt;mso-list:l0 level1 lfo1"><!--[if !supportLists]--><span>1.<span>&nbsp;&nbsp;&nbsp;&nbsp; </span></span><!--[endif]-->Inledning<o:p></o:p></p>',
      '<p class="MsoListParagraph" style="margin-left:72pt;mso-list:l0 level2 lfo1"><![if !supportLists]><span>a.<span>&nbsp;&nbsp; </span></span><![endif]>Val av justerare<o:p></o:p></p>',
      '<p class="MsoListParagraph" style="text-indent:-18pt;mso-list:l0 level1 lfo1"><span>2.<span>&nbsp;&nbsp;&nbsp;&nbsp; </span></span>Ekonomi<o:p></o:p></p>',
    ].join('\n');
    const parsed = parseAgendaBlocks(read(word).blocks!);
    expect(parsed.items.map((i) => [i.number, i.title])).toEqual([
      ['1', 'Inledning'],
      ['1 a', 'Val av justerare'],
      ['2', 'Ekonomi'],
    ]);
    expect(read('<p>dagordning:</p><codeblock><code>13.00 Inledning\n13.30 Ekonomi</code></codeblock>').text).toBe('dagordning:\n13.00 Inledning\n13.30 Ekonomi');
  });

  it('keeps a table’s cells apart and their paragraphs as lines, padding a colspan and reading a nested table into its cell', () => {
    const input = read('<table><tr><td colspan="2">Rubrik</td><td>x</td></tr><tr><td>1</td><td><p>a</p><p>b</p></td><td><table><tr><td>inre</td></tr></table></td></tr></table>');
    expect(input.blocks).toEqual([{ kind: 'table', rows: [['Rubrik', '', 'x'], ['1', 'a\nb', 'inre']] }]);
    expect(input.text).toBe('Rubrik\t\tx\n1\ta b\tinre');
  });

  it('reads nothing of scripts, styles and templates', () => {
    expect(read('<p>hjälp</p><script>var x = "<p>13.00 Skript</p>";</script><style>.a{}</style><template><p>mall</p></template>').text).toBe('hjälp');
  });

  it('reads markup nested as deep as a document gets, and turns down 10,000 levels unread, without recursing', () => {
    for (const open of ['<div>', '<ul><li>', '<table><tr><td>', '<b>', '<span><i>']) {
      const shallow = read(`<p>dagordning</p>${open.repeat(80)}13.00 Djupt`);
      expect(shallow.refused).toBeUndefined();
      expect(shallow.text).toContain('13.00 Djupt');
      expect(read(`<p>dagordning</p>${open.repeat(10_000)}13.00 Djupt`, { text: 'dagordning 13.00 Djupt' })).toEqual({ text: 'dagordning 13.00 Djupt', plain: false, refused: 'tooDeep' });
    }
    // Closed as they open, elements are read to the line limit however many there are.
    expect(read('<div><b>x</b></div>'.repeat(50_000)).text.split('\n')).toHaveLength(10_000);
  });

  it('stops reading where the agenda reader would stop, and the agenda says it was cut', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `<li>Punkt ${i}<ul><li>Underpunkt</li></ul></li>`).join('');
    const parsed = parseAgendaBlocks(read(`<ol>${items}</ol>`).blocks!);
    expect(parsed.truncated).toBe(true);
    expect(parsed.items).toHaveLength(300);
    const rows = Array.from({ length: 15_000 }, (_, i) => `<tr><td>${i + 1}</td><td>Punkt ${'x'.repeat(20)}</td></tr>`).join('');
    const table = parseAgendaBlocks(read(`<table>${rows}</table>`).blocks!);
    expect(table).toMatchObject({ truncated: true, unparsed: [] });
    expect(table.items).toHaveLength(300);
  });

  it('turns down an attachment over 1 MB unread, and leaves `text` to the command reader where there is no attachment', () => {
    expect(read(`<p>${'x'.repeat(1024 * 1024)}</p>`, { text: 'x' })).toEqual({ text: 'x', plain: false, refused: 'tooLarge' });
    const plain = readMessage({ text: 'dagordning<br>13.00 Inledning', recipient: bot, entities: [] } as never);
    expect(plain).toEqual({ text: 'dagordning<br>13.00 Inledning', plain: false });
    expect(parseCommand(plain.text, { plain: plain.plain })).toEqual({ kind: 'importAgenda', language: 'sv', args: '13.00 Inledning' });
  });
});

describe('an agenda as an HTML table', () => {
  const words = ['Ekonomi', 'Budget', 'Remisser', 'Nära vård', 'Läkemedel', 'uppföljning', 'Digital', 'kontaktvägar', 'Avtal', 'information'];
  const names = ['Åsa Ek', 'Björn Berg', 'Cecilia Lund', 'Dan Ås', 'Eva Holm'];
  const agenda = fc
    .array(
      fc.record({
        title: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
        minutes: fc.integer({ min: 5, max: 60 }),
        presenters: fc.uniqueArray(fc.constantFrom(...names), { maxLength: 3 }),
        sub: fc.boolean(),
        emphasis: fc.constantFrom('', 'b', 'strong', 'em'),
      }),
      { minLength: 1, maxLength: 25 },
    )
    .map((rows) => {
      let clock = 9 * 60;
      let main = 0;
      let letter = 0;
      return rows.map((row, i) => {
        const sub = row.sub && i > 0;
        if (sub) letter++;
        else {
          main++;
          letter = 0;
        }
        const start = clock;
        clock += row.minutes;
        const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        return { ...row, number: sub ? `${main} ${String.fromCharCode(96 + letter)}` : String(main), start: hhmm(start), end: hhmm(clock) };
      });
    });
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const wrap = (tag: string, text: string) => (tag ? `<${tag}>${text}</${tag}>` : text);

  it('round-trips any agenda built into a table to the same items', () => {
    fc.assert(
      fc.property(agenda, fc.boolean(), (items, linesPerName) => {
        const header = '<tr><th>Nr</th><th>Mötespunkt</th><th>Tid</th><th>Föredragande</th></tr>';
        const body = items
          .map((i) => {
            const who = linesPerName ? i.presenters.map((p) => `<p>${escape(p)}</p>`).join('') : escape(i.presenters.join(' och '));
            return `<tr><td>${i.number}</td><td><p>${wrap(i.emphasis, escape(i.title))}</p></td><td>${i.start.replace(':', '.')}–${i.end.replace(':', '.')}</td><td>${who}</td></tr>`;
          })
          .join('');
        const parsed = parseAgendaBlocks(readMessage(html(`<div itemprop="copy-paste-block"><table>${header}${body}</table></div>`)).blocks!);
        expect(parsed.items.map((i) => ({ number: i.number, title: i.title, start: i.start, end: i.end, presenters: i.presenters }))).toEqual(
          items.map((i) => ({ number: i.number, title: i.title, start: i.start, end: i.end, presenters: i.presenters })),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('bold paragraphs', () => {
  it('head the lists and tables under them, and are items when one follows another', () => {
    const heads = parseAgendaBlocks(read('<p><b>Deltagare</b></p><ul><li>Åsa Ek</li></ul><p><b>Dagordning</b></p><ol><li>Inledning</li><li>Budget</li></ol><p><b>Nästkommande möten</b></p><ul><li>Januari</li></ul>').blocks!);
    expect(heads.items.map((i) => i.title)).toEqual(['Inledning', 'Budget']);
    const items = parseAgendaBlocks(read('<p><b>Inledning</b></p><p><b>Ekonomi</b></p><p><b>Övriga frågor</b></p>').blocks!);
    expect(items.items.map((i) => i.title)).toEqual(['Inledning', 'Ekonomi', 'Övriga frågor']);
  });
});
