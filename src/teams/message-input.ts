/**
 * The one place an incoming message becomes the bot's input. Teams sends a message with
 * formatting, a pasted table or a list twice: as `text`, a lossy flattening, and as a `text/html`
 * attachment holding the body as Teams renders it. The attachment is read when there is one.
 */
import type { Activity } from 'botbuilder';
import type { TextBlock } from '../domain/text-lines.js';
import { HtmlTooDeep, piecesBlocks, piecesText, readHtml } from './message-html.js';

export interface MessageInput {
  /**
   * What commands are matched against: plain text, a line a paragraph, when read from the HTML;
   * else `text` as Teams sent it, which parseCommand reads only as far as it needs.
   */
  text: string;
  /** `text` is plain already. */
  plain: boolean;
  /** The message with its tables kept as tables, for pasted agendas; only from the HTML. */
  blocks?: TextBlock[];
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
  if (html === undefined || html.trim() === '') return { text: activity.text ?? '', plain: false };
  // Unread, the flattened `text` still tells whether the message was meant for the bot.
  if (html.length > MAX_HTML_CHARS) return { text: activity.text ?? '', plain: false, refused: 'tooLarge' };
  let pieces;
  try {
    pieces = readHtml(html, botNames(activity));
  } catch (err) {
    if (err instanceof HtmlTooDeep) return { text: activity.text ?? '', plain: false, refused: 'tooDeep' };
    throw err;
  }
  return { text: piecesText(pieces).trim(), plain: true, blocks: piecesBlocks(pieces) };
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
