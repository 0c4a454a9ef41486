import { deflateRawSync } from 'node:zlib';
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import JSZip from 'jszip';

/** One cell, a paragraph a line, as a chair types it in Word. */
const paragraphCell = (...paragraphs: string[]) => new TableCell({ children: (paragraphs.length ? paragraphs : ['']).map((p) => new Paragraph(p)) });

/**
 * A council agenda as chairs write it in Word: a bold heading, then a table with a header row
 * (repeated on each page), the item in one column with its description in further paragraphs,
 * notes in the next, and the time with the presenters, one a paragraph, in the last.
 */
/** `invitation`: the agenda inside a whole invitation, with its participants and the next meetings. */
export async function wordAgenda(options: { hoursEarlier?: number; invitation?: boolean } = {}): Promise<Buffer> {
  const bold = (text: string) => new Paragraph({ children: [new TextRun({ text, bold: true })] });
  const plain = (text: string) => new Paragraph({ children: [new TextRun({ text })] });
  const before = options.invitation ? [bold('Deltagare'), plain('Björn Berg'), plain('Karin Gäst, Region Halland'), plain('')] : [];
  const after = options.invitation ? [plain(''), bold('Nästkommande möten'), plain('20 januari 2028 13.00–16.00'), plain('')] : [];
  const cell = (...paragraphs: string[]) => paragraphCell(...paragraphs.map((p) => earlier(p, options.hoursEarlier ?? 0)));
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ children: [new TextRun({ text: 'Vårdvalsrådet – möte 2 december', bold: true })] }),
          ...before,
          new Paragraph({ children: [new TextRun({ text: 'Dagordning', bold: true })] }),
          new Table({
            rows: [
              new TableRow({ tableHeader: true, children: [cell('Mötespunkt'), cell('Anteckning'), cell('Tid och föredragande')] }),
              new TableRow({ children: [cell('1. Mötets öppnande'), cell(), cell('13.00–13.10', 'Åsa Ordförande')] }),
              new TableRow({ children: [cell('2. Ekonomisk uppföljning', 'Prognos efter oktober'), cell('Bilaga 2'), cell('13.10–13.40', 'Björn Berg', 'Cecilia Ek')] }),
              new TableRow({ children: [cell('3. Remissvar läkemedel'), cell('Remiss 2027/14'), cell('13.40–14.20', 'Cecilia Ek och Dan Ås')] }),
              new TableRow({ children: [cell('4. Övriga frågor'), cell(), cell('14.20–14.30')] }),
            ],
          }),
          ...after,
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** "13.10–13.40" as many hours earlier; other text as it is. */
function earlier(text: string, hours: number): string {
  return text.replace(/\b(\d{2})\.(\d{2})\b/g, (_, h: string, m: string) => `${String(Number(h) - hours).padStart(2, '0')}.${m}`);
}

/** What wordAgenda() is read as, its times as many hours earlier: number, time, title, presenters. */
export function wordAgendaItemsEarlier(hours: number) {
  return wordAgendaItems.map((item) => ({ ...item, time: earlier(item.time, hours) }));
}

/** What wordAgenda() is read as: number, time, title, presenters. */
export const wordAgendaItems = [
  { number: '1', time: '13.00–13.10', title: 'Mötets öppnande', presenters: ['Åsa Ordförande'] },
  { number: '2', time: '13.10–13.40', title: 'Ekonomisk uppföljning', presenters: ['Björn Berg', 'Cecilia Ek'] },
  { number: '3', time: '13.40–14.20', title: 'Remissvar läkemedel', presenters: ['Cecilia Ek', 'Dan Ås'] },
  { number: '4', time: '14.20–14.30', title: 'Övriga frågor', presenters: [] as string[] },
];

/**
 * A real agenda whose document.xml is padded with `megabytes` of spaces inside a paragraph: the
 * file stays small (spaces deflate a thousandfold), unpacked it is huge.
 */
export async function wordBomb(megabytes: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await wordAgenda());
  const xml = await zip.file('word/document.xml')!.async('string');
  const padding = ' '.repeat(megabytes * 1024 * 1024);
  zip.file('word/document.xml', xml.replace('<w:body>', `<w:body><w:p><w:r><w:t xml:space="preserve">${padding}</w:t></w:r></w:p>`));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/**
 * The same bomb with a directory that lies: every part claims to unpack to a few bytes, so only
 * inflating tells its real size.
 */
export async function lyingWordBomb(megabytes: number): Promise<Buffer> {
  const zip = await wordBomb(megabytes);
  const bytes = Buffer.from(zip);
  // Central directory entries (PK\x01\x02) hold the uncompressed size at offset 24, local headers (PK\x03\x04) at 22.
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (bytes[i] !== 0x50 || bytes[i + 1] !== 0x4b) continue;
    if (bytes[i + 2] === 0x01 && bytes[i + 3] === 0x02) bytes.writeUInt32LE(Math.min(bytes.readUInt32LE(i + 24), 1000), i + 24);
    if (bytes[i + 2] === 0x03 && bytes[i + 3] === 0x04) bytes.writeUInt32LE(Math.min(bytes.readUInt32LE(i + 22), 1000), i + 22);
  }
  return bytes;
}

/** What Office writes for a password-protected document: an OLE compound file holding the encrypted package. */
export function encryptedWord(): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  return Buffer.concat([header, Buffer.alloc(4096 - header.length, 0), deflateRawSync(Buffer.from('EncryptedPackage'))]);
}
