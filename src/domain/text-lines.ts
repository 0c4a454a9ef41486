/**
 * Shared preparation of pasted text for the agenda and schedule parsers: one place decides how
 * much input we look at and what whitespace means, so both parsers report line numbers alike.
 */

export const MAX_INPUT_CHARS = 200_000;
export const MAX_INPUT_LINES = 10_000;
/** Titles are capped far below this; the cap keeps every per-line regex cheap on hostile input. */
export const MAX_LINE_CHARS = 2_000;

export interface PreparedLine {
  /** 1-based, as the user sees it in an editor. */
  number: number;
  /** Normalised, with indentation and tabs kept (tables and nesting depend on them). */
  raw: string;
  /** `raw` without surrounding whitespace. */
  text: string;
  /** Leading whitespace in columns, a tab counting as four. */
  indent: number;
  /** Slide exports end a wrapped line with two spaces (a markdown hard break). */
  hardBreak: boolean;
  /** A whole table stands as one line; its cells may hold several paragraphs ("\n"). */
  rows?: string[][];
}

/**
 * What a message or a document holds: running text, and tables kept as rows of cells; a `cut`
 * says the source went on beyond what was read.
 */
export type TextBlock = { kind: 'text'; text: string } | { kind: 'table'; rows: string[][] } | { kind: 'cut' };

export interface PreparedText {
  lines: PreparedLine[];
  truncated: boolean;
}

// Spaces that editors and slide exports produce but that mean nothing more than a space.
const ODD_SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
// Invisible characters that would otherwise split words or hide a bullet.
const INVISIBLES = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029\u0085]/;

export function prepareLines(input: unknown): PreparedText {
  let text = typeof input === 'string' ? input : '';
  let truncated = false;
  if (text.length > MAX_INPUT_CHARS) {
    text = safeSlice(text, MAX_INPUT_CHARS);
    truncated = true;
  }
  let rawLines = text.split(LINE_BREAK);
  if (rawLines.length > MAX_INPUT_LINES) {
    rawLines = rawLines.slice(0, MAX_INPUT_LINES);
    truncated = true;
  }
  const lines = rawLines.map((line, i): PreparedLine => {
    let raw = line.replace(INVISIBLES, '').replace(ODD_SPACES, ' ').replace(CONTROLS, ' ');
    const hardBreak = raw.endsWith('  ');
    if (raw.length > MAX_LINE_CHARS) raw = safeSlice(raw, MAX_LINE_CHARS);
    raw = raw.trimEnd();
    return { number: i + 1, raw, text: raw.trim(), indent: indentOf(raw), hardBreak };
  });
  return { lines, truncated };
}

/**
 * Blocks as lines, numbered on from one block to the next, under the same limits as one text:
 * the characters of every block and cell count together.
 */
export function prepareBlocks(blocks: readonly TextBlock[]): PreparedText {
  const lines: PreparedLine[] = [];
  let room = MAX_INPUT_CHARS;
  let truncated = false;
  for (const block of blocks) {
    if (room <= 0 || lines.length >= MAX_INPUT_LINES) {
      truncated = true;
      break;
    }
    if (block.kind === 'cut') {
      truncated = true;
      break;
    }
    if (block.kind === 'text') {
      const prepared = prepareLines(safeSlice(block.text, room));
      truncated ||= prepared.truncated || block.text.length > room;
      room -= block.text.length;
      for (const line of prepared.lines) lines.push({ ...line, number: lines.length + 1 });
      continue;
    }
    const rows: string[][] = [];
    for (const row of block.rows) {
      if (room <= 0 || rows.length >= MAX_INPUT_LINES) {
        truncated = true;
        break;
      }
      rows.push(row.map((cell) => {
        const text = safeSlice(cell, Math.max(0, Math.min(room, MAX_LINE_CHARS)));
        room -= cell.length + 1;
        return text.replace(INVISIBLES, '').replace(ODD_SPACES, ' ').replace(CONTROLS, ' ').replace(/\t/g, ' ');
      }));
    }
    // The first row stands for the table wherever lines are looked at one by one.
    const text = (rows[0] ?? []).map((cell) => cell.replace(/\s+/g, ' ').trim()).join('\t');
    lines.push({ number: lines.length + 1, raw: text, text: text.trim(), indent: 0, hardBreak: false, rows });
  }
  return { lines, truncated };
}

function indentOf(raw: string): number {
  let columns = 0;
  for (const ch of raw) {
    if (ch === ' ') columns += 1;
    else if (ch === '\t') columns += 4;
    else break;
  }
  return columns;
}

/** Cuts without leaving half a surrogate pair behind. */
export function safeSlice(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

export function capText(text: string, max: number): string {
  return safeSlice(text, max).trim();
}

/**
 * Cells of a table row: tab-separated (what slide and document exports produce) or a markdown
 * pipe row. Tabs only at the start are indentation, not cells. Returns undefined for other lines.
 */
export function tableCells(line: PreparedLine): string[] | undefined {
  const body = line.raw.replace(/^ +/, '');
  const firstContent = body.search(/[^\t]/);
  if (firstContent >= 0 && body.indexOf('\t', firstContent) > 0) {
    return body.split('\t').map((c) => c.trim());
  }
  if (line.text.length > 2 && line.text.startsWith('|') && line.text.endsWith('|')) {
    return line.text
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  }
  return undefined;
}

/** `|---|:--:|` lines in markdown tables. */
export function isPipeSeparator(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-{2,}:?$/.test(c));
}

export interface Heading {
  level: number;
  text: string;
}

/** A markdown heading ("# Agenda"); "#1" is a number, not a heading. */
export function markdownHeading(text: string): Heading | undefined {
  const m = /^(#{1,6})(?:\s+|(?=\p{L}))(\S.*)?$/u.exec(text);
  if (!m) return undefined;
  return { level: m[1]!.length, text: stripEmphasis((m[2] ?? '').replace(/\s#+\s*$/, '')).trim() };
}

/** Markdown emphasis and links are presentation; the words are what the user wrote. */
export function stripEmphasis(text: string): string {
  return text
    .replace(/\[([^[\]]*)\]\([^()\s]*\)/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1');
}

/** Lines with no letter or digit carry no content: rules ("---"), stray bullets, decoration. */
export function hasContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

export function hasLetter(text: string): boolean {
  return /\p{L}/u.test(text);
}

/**
 * Trims any of `chars` from both ends. A loop, because `/[…]+$/` rescans long runs from every
 * start position and turns hostile input quadratic.
 */
export function trimChars(text: string, chars: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && chars.includes(text[from]!)) from++;
  while (to > from && chars.includes(text[to - 1]!)) to--;
  return text.slice(from, to);
}

export const WHITESPACE = ' \t\n\r\f\v';
