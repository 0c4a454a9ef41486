import { numberedTitle } from '../domain/agenda-labels.js';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { itemList } from '../domain/closing.js';
import { OUTCOME_TITLES } from '../domain/decision.js';
import { type Minutes, type MinutesDecision, type MinutesPerson, formatShortDate } from '../domain/minutes.js';
import { type MessageKey, t } from '../i18n/index.js';

type Tr = (k: MessageKey, p?: Record<string, string | number>) => string;

const FONT = 'Calibri';
const GREY = '595959';
/** A4 (11906) less the margins below, in twips. */
const TEXT_WIDTH = 11906 - 1304 - 1134;
/** Item, action, owner, due, status: "Punkt" and "Status" fit on one line. */
const ACTION_COLUMNS = [1000, 4018, 1900, 1400, 1150] as const;

function para(text: string, options: { bold?: boolean; italics?: boolean; indent?: boolean; after?: number; color?: string; keepNext?: boolean } = {}): Paragraph {
  return new Paragraph({
    spacing: { after: options.after ?? 120 },
    keepNext: options.keepNext,
    indent: options.indent ? { left: 360 } : undefined,
    children: [new TextRun({ text, bold: options.bold, italics: options.italics, color: options.color })],
  });
}

function heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]): Paragraph {
  return new Paragraph({ heading: level, spacing: { before: 240, after: 120 }, keepNext: true, children: [new TextRun({ text })] });
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: 'BFBFBF' };
const borders = { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin };

/** `width` in twentieths of a point: Word and LibreOffice both honour those, unlike percentages. */
function cell(text: string, options: { bold?: boolean; width?: number; shade?: boolean } = {}): TableCell {
  return new TableCell({
    width: options.width ? { size: options.width, type: WidthType.DXA } : undefined,
    shading: options.shade ? { fill: 'F2F2F2', color: 'auto', type: 'clear' } : undefined,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    children: [new Paragraph({ children: [new TextRun({ text, bold: options.bold })] })],
  });
}

function metadataTable(minutes: Minutes, tr: Tr): Table {
  const rows: [string, string][] = [
    [tr('minutes.council'), minutes.council],
    [tr('minutes.when'), minutes.when],
  ];
  if (minutes.place) rows.push([tr('minutes.place'), minutes.place]);
  if (minutes.diaryNumber) rows.push([tr('minutes.diary'), minutes.diaryNumber]);
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    borders,
    rows: rows.map(([label, value]) => new TableRow({ children: [cell(label, { bold: true, width: 2400, shade: true }), cell(value, { width: TEXT_WIDTH - 2400 })] })),
    columnWidths: [2400, TEXT_WIDTH - 2400],
  });
}

function peopleParagraphs(title: string, list: readonly MinutesPerson[]): Paragraph[] {
  if (list.length === 0) return [];
  return [
    new Paragraph({ spacing: { before: 120, after: 60 }, keepNext: true, children: [new TextRun({ text: title, bold: true })] }),
    ...list.map((p) => para(p.detail ? `${p.name}, ${p.detail}` : p.name, { indent: true, after: 40 })),
  ];
}

function decisionParagraphs(d: MinutesDecision, tr: Tr, locale: 'sv' | 'en'): Paragraph[] {
  const out = [
    new Paragraph({
      spacing: { before: 60, after: 120 },
      children: [
        new TextRun({ text: `${tr('minutes.decision')} `, bold: true }),
        new TextRun({ text: d.text }),
        ...(d.outcome === 'decided' ? [] : [new TextRun({ text: ` (${OUTCOME_TITLES[d.outcome][locale]})`, italics: true })]),
      ],
    }),
  ];
  if (d.belowQuorum) out.push(para(tr('minutes.decisionBelowQuorum'), { italics: true }));
  if (d.reason) out.push(para(`${tr('minutes.reason')} ${d.reason}`));
  if (d.vote) out.push(para(tr('minutes.vote', { for: d.vote.for, against: d.vote.against, abstain: d.vote.abstain })));
  for (const r of d.reservations) out.push(para(r.text ? tr('minutes.reservationWith', { name: r.name, text: r.text }) : tr('minutes.reservation', { name: r.name }), { italics: true }));
  for (const n of d.protocolNotes) out.push(para(tr('minutes.protocolNote', { name: n.name, text: n.text }), { italics: true }));
  return out;
}

function actionsTable(minutes: Minutes, tr: Tr): Table {
  const header = new TableRow({
    tableHeader: true,
    children: [
      cell(tr('minutes.actionItem'), { bold: true, width: ACTION_COLUMNS[0], shade: true }),
      cell(tr('minutes.actionText'), { bold: true, width: ACTION_COLUMNS[1], shade: true }),
      cell(tr('minutes.actionOwner'), { bold: true, width: ACTION_COLUMNS[2], shade: true }),
      cell(tr('minutes.actionDue'), { bold: true, width: ACTION_COLUMNS[3], shade: true }),
      cell(tr('minutes.actionStatus'), { bold: true, width: ACTION_COLUMNS[4], shade: true }),
    ],
  });
  const rows = minutes.actions.map(
    (a) =>
      new TableRow({
        cantSplit: true,
        children: [
          cell(a.itemNumber ?? ''),
          cell(a.text),
          cell(a.owner),
          cell(a.dueDate ? formatShortDate(a.dueDate, minutes.locale) : ''),
          cell(tr(a.status === 'done' ? 'minutes.statusDone' : 'minutes.statusOpen')),
        ],
      }),
  );
  return new Table({ width: { size: TEXT_WIDTH, type: WidthType.DXA }, columnWidths: [...ACTION_COLUMNS], borders, rows: [header, ...rows] });
}

function signatureBlock(minutes: Minutes, tr: Tr): Paragraph[] {
  const j = minutes.justering;
  const signers: { role: string; name: string; approvedAt?: string | null }[] = [];
  if (j.chair) signers.push({ role: tr('minutes.chairSign'), name: j.chair });
  if (j.secretary) signers.push({ role: tr('minutes.secretarySign'), name: j.secretary });
  for (const a of j.adjusters) signers.push({ role: tr('minutes.adjusterSign'), name: a.name, approvedAt: a.approvedAt });
  return signers.flatMap((s) => [
    new Paragraph({ spacing: { before: 480, after: 0 }, keepNext: true, keepLines: true, children: [new TextRun({ text: '_______________________________________' })] }),
    new Paragraph({ keepNext: true, children: [new TextRun({ text: s.name, bold: true }), new TextRun({ text: `, ${s.role.toLocaleLowerCase(minutes.locale)}` })] }),
    ...(s.approvedAt === undefined
      ? []
      : [para(s.approvedAt ? tr('minutes.approvedAt', { when: s.approvedAt }) : tr('minutes.notApproved'), { italics: true, color: GREY })]),
  ]);
}

/**
 * The minutes as a Word document laid out as Swedish council minutes: title, a metadata table,
 * attendance, numbered items with "Beslut:" in bold, the action items as a table, and the
 * justering with signature lines. Headings are real Word headings, so the navigation pane and a
 * PDF's bookmarks list the items; the footer numbers the pages.
 */
export async function minutesDocx(minutes: Minutes, options: { draft: boolean }): Promise<Buffer> {
  const { locale } = minutes;
  const tr: Tr = (k, p) => t(locale, k, p);
  const body: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, spacing: { after: 120 }, children: [new TextRun({ text: `${tr('minutes.title')} – ${minutes.council}` })] }),
  ];
  if (options.draft) body.push(para(tr('minutes.draft'), { bold: true, color: 'C00000' }));
  const undecided = minutes.items.filter((i) => i.undecided);
  if (options.draft && undecided.length > 0) body.push(para(tr('minutes.undecidedCheck', { items: itemList(undecided) }), { bold: true, color: 'C00000' }));
  body.push(metadataTable(minutes, tr));

  body.push(heading(tr('minutes.attendance'), HeadingLevel.HEADING_1));
  const { present, absent, guests, regrets, unconfirmed, belowQuorum } = minutes.attendance;
  body.push(
    ...(present.length > 0 ? peopleParagraphs(tr('minutes.present'), present) : [para(`${tr('minutes.present')}: ${tr('minutes.nobody')}`)]),
    ...peopleParagraphs(tr('minutes.guests'), guests),
    ...peopleParagraphs(tr('minutes.regrets'), regrets),
    ...peopleParagraphs(tr('minutes.absent'), absent),
    ...peopleParagraphs(tr('minutes.unconfirmed'), unconfirmed),
    ...(belowQuorum ? [para(tr('minutes.belowQuorum', belowQuorum), { bold: true })] : []),
  );

  body.push(heading(tr('minutes.items'), HeadingLevel.HEADING_1));
  for (const item of minutes.items) {
    body.push(heading(numberedTitle(item.number, item.title), item.level === 1 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2));
    if (item.presenters.length > 0) body.push(para(`${tr('minutes.presenter')}: ${item.presenters.join(', ')}`, { italics: true, color: GREY }));
    if (item.description) body.push(para(item.description));
    for (const note of item.notes) body.push(para(note));
    for (const d of item.decisions) body.push(...decisionParagraphs(d, tr, locale));
    if (options.draft && item.undecided) body.push(para(`⚠ ${tr('minutes.undecided')}`, { bold: true, color: 'C00000' }));
    for (const a of item.actions) {
      body.push(para(`${tr('minutes.actionText')}: ${a.text} (${a.owner}${a.dueDate ? `, ${formatShortDate(a.dueDate, locale)}` : ''})`, { indent: true }));
    }
  }
  if (minutes.otherDecisions.length > 0) {
    body.push(heading(tr('minutes.otherDecisions'), HeadingLevel.HEADING_1));
    for (const d of minutes.otherDecisions) body.push(...decisionParagraphs(d, tr, locale));
  }
  if (minutes.actions.length > 0) body.push(heading(tr('minutes.actions'), HeadingLevel.HEADING_1), actionsTable(minutes, tr));
  if (minutes.polls.length > 0) {
    body.push(heading(tr('minutes.polls'), HeadingLevel.HEADING_1));
    for (const p of minutes.polls) {
      body.push(new Paragraph({ spacing: { before: 120, after: 40 }, keepNext: true, children: [new TextRun({ text: p.question, bold: true })] }));
      // Question, item, counts and the count of voters stay on one page; a long list of names may break.
      if (p.item) body.push(para(tr('minutes.pollItem', p.item), { italics: true, color: GREY, after: 60, keepNext: !p.open }));
      if (p.open) {
        body.push(para(`⚠ ${tr('minutes.pollOpen')}`, { bold: true, color: 'C00000', after: 60 }));
        continue;
      }
      body.push(...p.results.map((r) => para(`${r.option}: ${r.votes}`, { indent: true, after: 40, keepNext: true })));
      body.push(para(`${tr('minutes.pollVoters', { count: p.voters })} ${tr(p.anonymous ? 'minutes.pollAnonymous' : 'minutes.pollNamed')}`, { italics: true, after: 60, keepNext: p.votes.length > 0 }));
      body.push(...p.votes.map((v) => para(`${v.name}: ${v.choices.join(', ')}`, { indent: true, after: 40 })));
    }
  }
  if (minutes.nominations.length > 0) {
    body.push(heading(tr('minutes.nominations'), HeadingLevel.HEADING_1));
    for (const n of minutes.nominations) {
      body.push(para(`${n.group} (${tr('minutes.nominationSeats', { seats: n.seats })})`, { bold: true }));
      body.push(...n.nominees.map((x) => para(`${x.name}, ${x.consent}${x.selected ? `, ${tr('minutes.selected')}` : ''}`, { indent: true, after: 40 })));
    }
  }
  if (minutes.tabled.length > 0) {
    body.push(heading(tr('minutes.tabled'), HeadingLevel.HEADING_1));
    body.push(...minutes.tabled.map((x) => para(`${numberedTitle(x.number, x.title)} – ${OUTCOME_TITLES[x.outcome][locale]}${x.reason ? `: ${x.reason}` : ''}`)));
  }
  if (minutes.nextMeetings.length > 0) {
    body.push(heading(tr('minutes.nextMeetings'), HeadingLevel.HEADING_1), ...minutes.nextMeetings.map((m) => para(m, { after: 40 })));
  }
  body.push(heading(tr('minutes.justering'), HeadingLevel.HEADING_1), ...signatureBlock(minutes, tr));

  const footerLine = `${minutes.council} · ${minutes.date} · ${tr('minutes.version', { version: minutes.justering.version })}${options.draft ? ` · ${tr('minutes.draft')}` : ''}`;
  const document = new Document({
    creator: minutes.council,
    title: `${tr('minutes.title')} ${minutes.council} ${minutes.date}`,
    // The language is set on the text so Word's spelling and hyphenation are Swedish (or English).
    styles: { default: { document: { run: { font: FONT, size: 22, language: { value: locale === 'sv' ? 'sv-SE' : 'en-GB' } } } } },
    sections: [
      {
        properties: { page: { margin: { top: 1134, bottom: 1134, left: 1304, right: 1134 } } },
        headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: `${tr('minutes.title')} ${minutes.date}`, color: GREY, size: 18 })] })] }) },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ text: `${footerLine} · `, color: GREY, size: 18 }),
                  new TextRun({ children: [tr('minutes.page', { page: '\u0000', pages: '\u0001' }).split('\u0000')[0]!, PageNumber.CURRENT], color: GREY, size: 18 }),
                  new TextRun({ children: [tr('minutes.page', { page: '\u0000', pages: '\u0001' }).split('\u0000')[1]!.split('\u0001')[0]!, PageNumber.TOTAL_PAGES], color: GREY, size: 18 }),
                ],
              }),
            ],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}
