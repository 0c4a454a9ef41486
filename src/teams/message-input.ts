/**
 * The one place an incoming message becomes the bot's input. Teams sends a message with
 * formatting, a pasted table or a list twice: as `text`, a lossy flattening, and as a `text/html`
 * attachment holding the body as Teams renders it. The attachment is read when there is one.
 */
import type { Activity } from 'botbuilder';
import type { TextBlock } from '../domain/text-lines.js';
import { plainText } from './commands.js';
import { HtmlTooDeep, piecesBlocks, piecesText, readHtml } from './message-html.js';

export interface MessageInput {
  /** Plain text, a line a paragraph; what commands are matched against. */
  text: string;
  /** The same message with its tables kept as tables, for pasted agendas. */
  blocks: TextBlock[];
  /** The formatted body was larger, or nested deeper, than anything a person pastes; it was not read. */
  refused?: 'tooLarge' | 'tooDeep';
}

/** A message in Teams holds at most about 28 KB; a megabyte is far beyond any pasted agenda. */
export const MAX_HTML_CHARS = 1024 * 1024;

interface Attachment {
  contentType?: unknown;
  content?: unknown;
}

export function readMessage(activity: Pick<Activity, 'text' | 'attachments' | 'entities' | 'recipient'>): MessageInput {
  const html = (activity.attachments as Attachment[] | undefined)?.find((a) => a?.contentType === 'text/html' && typeof a.content === 'string')?.content as
    | string
    | undefined;
  if (html === undefined || html.trim() === '') {
    const text = plainText(activity.text);
    return { text, blocks: [{ kind: 'text', text }] };
  }
  if (html.length > MAX_HTML_CHARS) return { text: '', blocks: [], refused: 'tooLarge' };
  let pieces;
  try {
    pieces = readHtml(html, botNames(activity));
  } catch (err) {
    if (err instanceof HtmlTooDeep) return { text: '', blocks: [], refused: 'tooDeep' };
    throw err;
  }
  return { text: piecesText(pieces).trim(), blocks: piecesBlocks(pieces) };
}

/** The names the bot is mentioned by in this message: those mentions address it and are no content. */
function botNames(activity: Pick<Activity, 'entities' | 'recipient'>): Set<string> {
  const names = new Set<string>();
  for (const entity of activity.entities ?? []) {
    const mentioned = (entity as { type?: string; mentioned?: { id?: string; name?: string } }).mentioned;
    if (entity.type === 'mention' && mentioned?.id === activity.recipient?.id && mentioned?.name) names.add(mentioned.name.replace(/\s+/g, ' ').trim());
  }
  return names;
}
