/**
 * A Word document (.docx) read into the same lines and tables as a pasted message: mammoth turns
 * the document into HTML, and message-html reads that HTML as it reads what Teams sends. Before
 * mammoth sees the file, its zip is opened without inflating anything and every part is inflated
 * once under a cap, so a small file that unpacks to gigabytes stops at the cap instead.
 */
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import JSZip from 'jszip';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { TextBlock } from '../domain/text-lines.js';
import { HtmlTooDeep, piecesBlocks, readHtml } from './message-html.js';

/** An agenda is a few pages; with images and styles a Word file of it stays well below this. */
export const MAX_WORD_FILE_BYTES = 5 * 1024 * 1024;
/** Everything inside the file, unpacked: text, styles and images of an agenda fit many times over. */
export const MAX_WORD_UNPACKED_BYTES = 40 * 1024 * 1024;
/**
 * The document's markup (its XML parts), unpacked: mammoth parses it at close to a second a MB
 * when it is dense with paragraphs. A Word agenda of several pages of tables has a few hundred KB.
 */
export const MAX_WORD_MARKUP_BYTES = 1024 * 1024;
/**
 * mammoth reads a MB of markup dense with paragraphs in one to two seconds of CPU; a document
 * that takes longer than this is stopped, and none of it holds up the bot's other conversations.
 */
export const WORD_READ_TIMEOUT_MS = 10_000;
/** A docx has a dozen parts; thousands are no document anyone wrote. */
const MAX_WORD_PARTS = 2_000;

export type WordRefusal = 'notWord' | 'encrypted' | 'tooLarge' | 'unpacksTooLarge' | 'tooSlow';

export class WordRefused extends Error {
  constructor(readonly reason: WordRefusal) {
    super(`Word document refused: ${reason}`);
  }
}

/** Office keeps a password-protected .docx (and an old .doc) in an OLE compound file, not a zip. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const inflate = promisify(inflateRaw);
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** jszip's record of a part as the zip's directory gives it, before anything is inflated. */
interface ZipPart {
  compressedSize: number;
  uncompressedSize: number;
  compression: { magic: string };
  compressedContent: Uint8Array;
}

/** The document's lines and tables; throws WordRefused for anything that is no readable agenda. */
export async function readWordAgenda(bytes: Uint8Array): Promise<TextBlock[]> {
  if (bytes.length > MAX_WORD_FILE_BYTES) throw new WordRefused('tooLarge');
  if (startsWith(bytes, OLE)) throw new WordRefused('encrypted');
  if (!startsWith(bytes, ZIP)) throw new WordRefused('notWord');
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw new WordRefused('notWord');
  }
  if (!zip.file('word/document.xml')) throw new WordRefused('notWord');
  await checkUnpackedSize(zip);
  const html = await wordToHtml(bytes);
  try {
    return piecesBlocks(readHtml(html));
  } catch (err) {
    if (err instanceof HtmlTooDeep) throw new WordRefused('notWord');
    throw err;
  }
}

/**
 * The sizes in a zip's directory are the writer's word; each part is inflated here, never past
 * what is left of its cap, so a part that lies about its size is caught as soon as it outgrows it.
 * Markup is what mammoth parses, so it has the smaller cap; pictures are only counted.
 */
async function checkUnpackedSize(zip: JSZip): Promise<void> {
  const parts = Object.values(zip.files).filter((f) => !f.dir);
  if (parts.length > MAX_WORD_PARTS) throw new WordRefused('unpacksTooLarge');
  const left = { markup: MAX_WORD_MARKUP_BYTES, all: MAX_WORD_UNPACKED_BYTES };
  for (const file of parts) {
    const part = (file as unknown as { _data: ZipPart })._data;
    const markup = /\.(xml|rels)$/i.test(file.name);
    const room = Math.min(left.all, markup ? left.markup : Infinity);
    if (part.uncompressedSize > room) throw new WordRefused('unpacksTooLarge');
    let size: number;
    if (part.compression.magic === '\x00\x00') size = part.compressedSize;
    else if (part.compression.magic === '\x08\x00') {
      try {
        size = (await inflate(part.compressedContent, { maxOutputLength: room + 1 })).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new WordRefused('unpacksTooLarge');
        throw new WordRefused('notWord');
      }
    } else throw new WordRefused('notWord');
    if (size > room) throw new WordRefused('unpacksTooLarge');
    left.all -= size;
    if (markup) left.markup -= size;
  }
}

/**
 * mammoth runs in a worker thread: its parsing is synchronous, and on the bot's own thread a
 * large document would hold up every other conversation's turn while it is read.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const mammoth = require(workerData.mammoth);
// Images would come back as base64 in the HTML; an agenda's words are all that is read.
const noImages = mammoth.images.imgElement(async () => ({ src: '' }));
mammoth.convertToHtml({ buffer: Buffer.from(workerData.bytes) }, { convertImage: noImages }).then(
  (result) => parentPort.postMessage({ html: result.value }),
  () => parentPort.postMessage({ failed: true }),
);
`;
const mammothPath = createRequire(import.meta.url).resolve('mammoth');

function wordToHtml(bytes: Uint8Array): Promise<string> {
  const worker = new Worker(WORKER, { eval: true, workerData: { mammoth: mammothPath, bytes }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => reject(new WordRefused('tooSlow')), WORD_READ_TIMEOUT_MS);
    worker.once('message', (answer: { html?: string }) => (typeof answer.html === 'string' ? resolve(answer.html) : reject(new WordRefused('notWord'))));
    worker.once('error', () => reject(new WordRefused('notWord')));
    worker.once('exit', () => reject(new WordRefused('notWord')));
    // Settled one way or the other, the worker goes: a slow one is stopped mid-parse.
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
}
