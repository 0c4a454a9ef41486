import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';

/** The text of a Word document, a paragraph a line, as a reader would see it; headers and footers last. */
export async function docxText(content: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(content);
  const parts = ['word/document.xml', ...Object.keys(zip.files).filter((f) => /^word\/(header|footer)\d*\.xml$/.test(f)).sort()];
  const xml = (await Promise.all(parts.map((p) => zip.file(p)!.async('string')))).join('</w:p>');
  return xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .map((line) => line.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'"))
    .filter((line) => line !== '')
    .join('\n');
}

/** Converts with LibreOffice, as a secretary's "save as PDF" would; the PDF's page count. */
export async function docxToPdfPages(content: Buffer): Promise<{ pages: number; pdf: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'minutes-pdf-'));
  const input = join(dir, 'minutes.docx');
  writeFileSync(input, content);
  // Its own profile directory: two conversions at once would otherwise fight over one.
  await promisify(execFile)('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, input], { timeout: 120_000 });
  const pdf = join(dir, 'minutes.pdf');
  if (!existsSync(pdf)) throw new Error('LibreOffice wrote no PDF');
  const raw = readFileSync(pdf, 'latin1');
  return { pages: raw.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0, pdf };
}
