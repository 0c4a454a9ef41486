/**
 * The body of a Teams message as Teams renders it (its `text/html` attachment) read into lines and
 * tables: paragraphs and line breaks are lines, lists are indented lines with their bullet or
 * number, tables are rows of cells whose paragraphs stay apart. htmlparser2 reads the markup as a
 * stream, so no depth of nesting costs more than its length, and nothing here recurses.
 */
import { Parser } from 'htmlparser2';
import { MAX_INPUT_CHARS, MAX_INPUT_LINES, type TextBlock } from '../domain/text-lines.js';

export interface HtmlLine {
  text: string;
  /** List nesting, two columns a level, as a pasted plain-text list would have it. */
  indent: number;
  /** 1–6 for <h1>–<h6>; 4 for a short bold paragraph that introduces a list or a table ("Dagordning"). */
  heading?: number;
  /** A short paragraph that is bold and nothing else: a heading if a list or table follows it. */
  bold?: boolean;
  listed?: boolean;
}

export type HtmlPiece = ({ kind: 'line' } & HtmlLine) | { kind: 'table'; rows: string[][] } | { kind: 'cut' };

/** Where nothing a reader should see is kept. */
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'iframe', 'object', 'svg', 'math', 'select', 'textarea', 'button']);
/** Elements that start and end a line of their own. */
const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'blockquote', 'pre', 'address', 'figure', 'figcaption',
  'dl', 'dt', 'dd', 'hr', 'ul', 'ol', 'li', 'codeblock', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
const BOLD = new Set(['b', 'strong']);
/** Deeper lists are still read, at the deepest indentation the agenda reader tells apart. */
const MAX_LIST_INDENT_LEVELS = 8;
/** A pasted colspan of thousands would only make empty cells. */
const MAX_COLSPAN = 20;
const HEADING_MAX_CHARS = 60;
/** Typed indentation beyond this tells the agenda reader nothing more. */
const MAX_TYPED_INDENT = 16;
const NON_SPACE = /\S/;
const HEADINGS: ReadonlyMap<string, number> = new Map([1, 2, 3, 4, 5, 6].map((level) => [`h${level}`, level]));

interface Cell {
  lines: string[];
  span: number;
}

interface TableState {
  rows: string[][];
  row?: Cell[];
  cell?: Cell;
}

/**
 * htmlparser2 keeps its open elements in an array it shifts at the front, so each element opened
 * costs as much as the depth: beyond this many, reading stops rather than slowing down. Word,
 * Loop and Outlook nest a few dozen levels.
 */
export const MAX_HTML_DEPTH = 256;

export class HtmlTooDeep extends Error {}

/**
 * `dropMentions`: names whose <at> mentions are the bot's own and say nothing to it.
 * Throws HtmlTooDeep for markup nested deeper than MAX_HTML_DEPTH.
 */
export function readHtml(html: string, dropMentions: ReadonlySet<string> = new Set()): HtmlPiece[] {
  const pieces: HtmlPiece[] = [];
  let open = 0;
  // Text and lines beyond what any reader of the message looks at are not worth walking to.
  let room = MAX_INPUT_CHARS + 1;
  let lineRoom = MAX_INPUT_LINES + 1;
  const spend = (chars: number) => {
    room -= chars;
    if (room <= 0 || --lineRoom <= 0) throw new Enough();
  };
  const lists: { ordered: boolean; next: number }[] = [];
  const tables: TableState[] = [];
  let hidden = 0;
  let bold = 0;
  let pre = 0;
  let heading: number | undefined;
  // Word pastes its lists as paragraphs that name their level in their style.
  let wordLevel = 0;
  let mention: string | undefined;
  let current = '';
  let boldSeen = false;
  let plainSeen = false;
  // A list item's bullet or number goes before its first line, wherever that line starts.
  let marker: string | undefined;
  let continuation = false;

  // A table inside a cell is read as that cell's lines.
  const cellOpen = () => tables[0]?.cell;

  const endLine = () => {
    // Spaces typed at the start of a line reach the HTML as no-break spaces: that indentation is
    // how a typed list nests, so it is kept where markup does not say the nesting.
    const typedIndent = current === '' ? 0 : leadingNoBreakSpaces(current);
    // Below the first level Word labels items "a.", "i." or "o"; nested, they are sub-items whatever their label.
    if (wordLevel >= 2 && lists.length === 0) current = current.replace(/^\s*\S{1,4}\s+/, '- ');
    const text = current === '' ? '' : current.replace(/\s+/g, ' ').trim();
    const allBold = !plainSeen && boldSeen;
    current = '';
    boldSeen = false;
    plainSeen = false;
    if (text === '') return;
    spend(text.length);
    const cell = cellOpen();
    if (cell) {
      cell.lines.push(marker !== undefined ? `${marker}${text}` : text);
      marker = undefined;
      return;
    }
    // Text in a table but in no cell is broken markup; a browser shows it, so it is a row of its own.
    if (tables.length > 0) {
      tables[0]!.rows.push([text]);
      marker = undefined;
      return;
    }
    const depth = Math.min(lists.length, MAX_LIST_INDENT_LEVELS);
    const indent = Math.max(0, depth - 1) * 2 + (marker === undefined && continuation ? 2 : 0) + (depth === 0 ? Math.min(Math.max(typedIndent, Math.max(0, wordLevel - 1) * 2), MAX_TYPED_INDENT) : 0);
    const line: HtmlLine = { text: marker !== undefined ? `${marker}${text}` : text, indent };
    if (heading !== undefined) line.heading = heading;
    else if (lists.length === 0 && allBold && text.length <= HEADING_MAX_CHARS && !/\p{N}/u.test(text)) line.bold = true;
    if (lists.length > 0) line.listed = true;
    pieces.push({ kind: 'line', ...line });
    if (marker !== undefined) continuation = true;
    marker = undefined;
  };

  const addText = (text: string) => {
    if (hidden > 0) return;
    if (mention !== undefined) {
      mention += text;
      return;
    }
    const parts = pre > 0 ? text.split('\n') : [text];
    parts.forEach((part, i) => {
      if (i > 0) endLine();
      current += part;
      if (current.length > room) throw new Enough();
      if (bold > 0) boldSeen ||= NON_SPACE.test(part);
      else plainSeen ||= NON_SPACE.test(part);
    });
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        // The parser reports every element it keeps open as closed again, void ones at once.
        if (++open > MAX_HTML_DEPTH) throw new HtmlTooDeep();
        if (HIDDEN.has(name)) {
          hidden++;
          return;
        }
        if (hidden > 0) return;
        if (name === 'at') {
          endMention();
          mention = '';
          return;
        }
        if (name === 'br') {
          endLine();
          return;
        }
        // Teams writes an emoji as an element whose alt text is the emoji itself.
        if (name === 'emoji' || (name === 'img' && (attributes.itemtype ?? '').includes('Emoji'))) {
          if (attributes.alt) addText(attributes.alt);
          return;
        }
        if (BOLD.has(name)) bold++;
        if (name === 'pre' || name === 'codeblock') pre++;
        if (name === 'table') {
          endLine();
          tables.push({ rows: [] });
          return;
        }
        const table = tables.length === 1 ? tables[0]! : undefined;
        if (table && name === 'tr') {
          endLine();
          table.row = [];
          return;
        }
        if (table && (name === 'td' || name === 'th')) {
          endLine();
          table.row ??= [];
          const span = Math.min(MAX_COLSPAN, Math.max(1, Number.parseInt(attributes.colspan ?? '1', 10) || 1));
          table.cell = { lines: [], span };
          table.row.push(table.cell);
          return;
        }
        if (tables.length > 1 && (name === 'td' || name === 'th')) {
          current += ' ';
          return;
        }
        if (!BLOCKS.has(name)) return;
        endLine();
        if (name === 'p') wordLevel = wordListLevel(attributes.style);
        heading = HEADINGS.get(name) ?? heading;
        if (name === 'ul' || name === 'ol') {
          const start = Number.parseInt(attributes.start ?? '1', 10);
          lists.push({ ordered: name === 'ol', next: Number.isFinite(start) && start >= 0 && start < 1000 ? start : 1 });
          continuation = false;
        } else if (name === 'li') {
          const list = lists[lists.length - 1];
          marker = list?.ordered ? `${list.next++}. ` : '- ';
          continuation = false;
        }
      },
      ontext: addText,
      onclosetag(name) {
        open--;
        if (HIDDEN.has(name)) {
          hidden = Math.max(0, hidden - 1);
          return;
        }
        if (hidden > 0) return;
        if (name === 'at') {
          endMention();
          return;
        }
        if (BOLD.has(name)) bold = Math.max(0, bold - 1);
        if (name === 'pre' || name === 'codeblock') pre = Math.max(0, pre - 1);
        if (name === 'table' && tables.length > 0) {
          endLine();
          const table = tables.pop()!;
          closeRow(table);
          if (tables.length === 0 && table.rows.length > 0) pieces.push({ kind: 'table', rows: table.rows });
          return;
        }
        const table = tables.length === 1 ? tables[0]! : undefined;
        if (table && (name === 'td' || name === 'th')) {
          endLine();
          table.cell = undefined;
          return;
        }
        if (table && name === 'tr') {
          endLine();
          closeRow(table);
          return;
        }
        if (!BLOCKS.has(name)) return;
        endLine();
        if (HEADINGS.has(name)) heading = undefined;
        if (name === 'p') wordLevel = 0;
        if (name === 'ul' || name === 'ol') lists.pop();
        if (name === 'li') {
          marker = undefined;
          continuation = false;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  function endMention() {
    if (mention === undefined) return;
    const name = mention.replace(/\s+/g, ' ').trim();
    mention = undefined;
    // Somebody else's mention is their name, as it reads in the message ("Föredragande: Björn Berg").
    if (!dropMentions.has(name)) addText(name);
  }

  function closeRow(table: TableState) {
    if (!table.row) return;
    const cells = table.row.flatMap((cell) => [cell.lines.join('\n'), ...Array<string>(cell.span - 1).fill('')]);
    if (cells.some((cell) => cell !== '')) table.rows.push(cells);
    table.row = undefined;
    table.cell = undefined;
  }

  try {
    parser.write(html);
    parser.end();
    endMention();
    endLine();
  } catch (err) {
    if (!(err instanceof Enough)) throw err;
    // What was read so far stands, and the reader of the agenda is told that more followed.
    current = '';
    const table = tables[0];
    if (table) {
      closeRow(table);
      if (table.rows.length > 0) pieces.push({ kind: 'table', rows: table.rows });
    }
    pieces.push({ kind: 'cut' });
  }
  // Bold paragraphs over lists and tables are how e-mails head their parts ("Deltagare",
  // "Dagordning", "Nästkommande möten"); bold paragraphs one after another are items set in bold.
  pieces.forEach((piece, i) => {
    const next = pieces[i + 1];
    if (piece.kind === 'line' && piece.bold && (next?.kind === 'table' || (next?.kind === 'line' && next.listed))) piece.heading = 4;
  });
  return pieces;
}

/** "mso-list:l0 level2 lfo1" → 2; 0 for a paragraph that is no list item of Word's. */
function wordListLevel(style: string | undefined): number {
  if (!style?.includes('mso-list')) return 0;
  const level = /\blevel(\d)\b/.exec(style);
  return level ? Number(level[1]) : 0;
}

function leadingNoBreakSpaces(text: string): number {
  let count = 0;
  for (const ch of text) {
    if (ch === '\u00A0') count++;
    else if (ch === '\t') count += 4;
    else if (ch !== ' ' && ch !== '\n' && ch !== '\r') break;
  }
  return count;
}

/** Thrown from the parser's callbacks to stop reading. */
class Enough extends Error {}

/** What commands are matched against: lines, list markers and indentation kept, table cells tab-separated. */
export function piecesText(pieces: readonly HtmlPiece[]): string {
  return pieces
    .flatMap((piece) => {
      if (piece.kind === 'cut') return [];
      return piece.kind === 'line' ? [`${' '.repeat(piece.indent)}${piece.text}`] : piece.rows.map((row) => row.map((cell) => cell.replace(/\n/g, ' ')).join('\t'));
    })
    .join('\n');
}

/** What a pasted agenda is read from: headings marked as markdown headings, tables kept whole. */
export function piecesBlocks(pieces: readonly HtmlPiece[]): TextBlock[] {
  const blocks: TextBlock[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) blocks.push({ kind: 'text', text: lines.join('\n') });
    lines = [];
  };
  for (const piece of pieces) {
    if (piece.kind === 'table') {
      flush();
      blocks.push({ kind: 'table', rows: piece.rows });
    } else if (piece.kind === 'cut') {
      flush();
      blocks.push({ kind: 'cut' });
    } else {
      lines.push(`${' '.repeat(piece.indent)}${piece.heading ? `${'#'.repeat(piece.heading)} ` : ''}${piece.text}`);
    }
  }
  flush();
  return blocks;
}
