/**
 * An agenda sent as a Word file: in the personal chat Teams hands the bot a short-lived download
 * URL (a `file.download.info` attachment); in a channel or group chat the file stays in SharePoint
 * or OneDrive and only Graph can read it (a `reference` attachment). Either way the file becomes
 * the same blocks as a pasted agenda and the same confirmation card.
 */
import type { Activity } from 'botbuilder';
import { type CouncilView, councilById, roleOf } from '../app/councils.js';
import { nextMeetingAgenda } from '../app/agendas.js';
import { can, requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { SharedFileTooLarge } from '../app/ports.js';
import { t } from '../i18n/index.js';
import { previewCard } from './agenda-actions.js';
import type { CommandTurn } from './command-handlers.js';
import { conversationKind } from './activity.js';
import { exampleMeetingDay } from './example-dates.js';
import { cardActivity } from './replies.js';
import { MAX_WORD_FILE_BYTES, WordRefused, readWordAgenda } from './word-agenda.js';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export type AgendaFile = { kind: 'download'; url: string; name: string; fileType: string } | { kind: 'shared'; url: string; name: string };

/** Teams gives a minute or more on a download URL; a file of a few MB comes in well under this. */
const DOWNLOAD_TIMEOUT_MS = 15_000;

interface FileAttachment {
  contentType?: unknown;
  contentUrl?: unknown;
  name?: unknown;
  content?: { downloadUrl?: unknown; fileType?: unknown };
}

/** The first file the message carries, if any. */
export function agendaFileOf(activity: Pick<Activity, 'attachments'>): AgendaFile | undefined {
  for (const a of (activity.attachments ?? []) as FileAttachment[]) {
    const name = typeof a?.name === 'string' ? a.name : '';
    if (a?.contentType === FILE_DOWNLOAD_INFO && typeof a.content?.downloadUrl === 'string') {
      const fileType = typeof a.content.fileType === 'string' ? a.content.fileType : (name.split('.').at(-1) ?? '');
      return { kind: 'download', url: a.content.downloadUrl, name, fileType: fileType.toLowerCase() };
    }
    if (a?.contentType === 'reference' && typeof a.contentUrl === 'string' && /^https:\/\//i.test(a.contentUrl)) return { kind: 'shared', url: a.contentUrl, name };
  }
  return undefined;
}

/**
 * A SharePoint or OneDrive link sent after the command word ("dagordning: https://…/Dagordning.docx",
 * as Teams' "Copy link" gives it) names a shared file the same way a `reference` attachment does.
 */
export function linkedAgendaFile(args: string): AgendaFile | undefined {
  const text = args.trim();
  if (/\s/.test(text) || !/^https:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (!/(^|\.)sharepoint\.com$/i.test(url.hostname)) return undefined;
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return { kind: 'shared', url: text, name: /\.docx$/i.test(last) ? last : '' };
}

/**
 * `named`: the words sent with the file; in the personal chat they name the council when the
 * sender edits the agendas of several ("dagordning: Vårdvalsrådet").
 */
export async function importAgendaFile(turn: CommandTurn, file: AgendaFile, named: string): Promise<void> {
  const name = file.name || t(turn.locale, 'agendaFile.unnamed');
  if (file.kind === 'shared' && !turn.kit.deps.sharedFiles) throw new RuleError('agendaFile.noGraph');
  if (file.kind === 'download' && file.fileType !== 'docx') throw new RuleError('agendaFile.notWord', { name });
  const view = await councilForFile(turn, named);
  const agenda = await nextMeetingAgenda(turn.kit.meetingDeps, view.council.conversationId);
  if (!agenda) {
    await turn.context.sendActivity(t(turn.locale, 'agenda.noMeeting', { date: exampleMeetingDay(turn.kit.deps.clock, view.council.timeZone) }));
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = file.kind === 'download' ? await download(file.url) : await turn.kit.deps.sharedFiles!.read(file.url, MAX_WORD_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileTooLarge || err instanceof SharedFileTooLarge) throw new RuleError('agendaFile.tooLarge', { name });
    turn.kit.deps.logger.warn({ err, kind: file.kind }, 'agenda file download failed');
    throw new RuleError('agendaFile.downloadFailed', { name });
  }
  let blocks;
  try {
    blocks = await readWordAgenda(bytes);
  } catch (err) {
    if (err instanceof WordRefused) throw new RuleError(`agendaFile.${err.reason}`, { name });
    throw err;
  }
  await turn.context.sendActivity(cardActivity(previewCard(turn, agenda, blocks)));
}

/**
 * A council's own conversation imports for that council. The personal chat has none: the councils
 * where the sender may edit the agenda decide, and the words sent with the file pick among several.
 */
async function councilForFile(turn: CommandTurn, named: string): Promise<CouncilView> {
  const userId = turn.context.activity.from.id;
  if (conversationKind(turn.context.activity) !== 'personal') {
    if (!turn.council) throw new RuleError('error.notSetUp');
    requirePermission(roleOf(turn.council, userId), 'agenda.edit');
    return turn.council;
  }
  const views = await Promise.all((await turn.kit.deps.store.councils.councilsOf(userId)).map((c) => councilById(turn.kit.councilDeps, c.id)));
  const editable = views.filter((v): v is CouncilView => !!v && can(roleOf(v, userId), 'agenda.edit'));
  if (editable.length === 0) throw new RuleError('agendaFile.noCouncil');
  const names = editable.map((v) => v.council.name).join(', ');
  const wanted = comparable(named);
  if (wanted !== '') {
    const found = editable.find((v) => comparable(v.council.name) === wanted);
    if (!found) throw new RuleError('agendaFile.unknownCouncil', { council: named.trim().slice(0, 80), names });
    return found;
  }
  if (editable.length > 1) throw new RuleError('agendaFile.whichCouncil', { names, example: editable[0]!.council.name });
  return editable[0]!;
}

const comparable = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('sv');

export class FileTooLarge extends Error {}

/** Teams' pre-authorised download URL takes a plain GET; the body is read no further than the cap. */
async function download(url: string): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error('not a web address');
  const res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`download answered ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_WORD_FILE_BYTES) {
    await res.body.cancel();
    throw new FileTooLarge();
  }
  return readCapped(res.body, MAX_WORD_FILE_BYTES);
}

export async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new FileTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
