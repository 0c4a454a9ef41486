import type { AgendaItemKind } from './agenda.js';

export type { AgendaItemKind };

// JavaScript's \b treats å, ä and ö as non-word characters, so words are delimited by hand.
const word = (alternatives: string): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');

const BREAK = word('paus|pausen|lunch|lunchpaus|fika|kaffe|kaffepaus|förmiddagsfika|eftermiddagsfika|bensträckare|break|coffee|coffee break|lunch break');
const REPORTED = word(
  'för kännedom|anmälningsärenden?|anmälningar|meddelanden|delegationsbeslut|delegeringsbeslut|for information|for your information|items? for information|reports? received',
);
const ELECTION = word('val av|val till|fyllnadsval|nominering|nomineringar|valberedning|election|elections|elect|nomination|nominations');
const DECISION = word(
  'beslut|beslutsärenden?|beslutspunkt|beslutspunkter|för beslut|fastställande|fastställa|godkännande|godkänna|decision|decisions|for decision|for approval|approval|approve',
);
const DISCUSSION = word(
  'diskussion|diskussionspunkt|diskutera|dialog|övriga frågor|övrigt|övrig fråga|discussion|discuss|dialogue|any other business|other business|aob|open floor',
);

/**
 * A first guess from the words of a title; the chair can change it. Order matters: a break is
 * short and unmistakable, "för kännedom" beats the "beslut" in "delegationsbeslut", and a
 * decision outranks the discussion that precedes it ("Diskussion och beslut").
 */
export function guessKind(title: string): AgendaItemKind {
  if (BREAK.test(title) && title.split(/\s+/).length <= 4) return 'break';
  if (REPORTED.test(title)) return 'reported';
  if (ELECTION.test(title)) return 'election';
  if (DECISION.test(title)) return 'decision';
  if (DISCUSSION.test(title)) return 'discussion';
  return 'information';
}

/** A kind named outright in a table column ("Beslut", "Info", "Diskussion"). */
export function kindFromLabel(label: string): AgendaItemKind | undefined {
  const text = label.trim();
  if (text === '') return undefined;
  if (/^(info|information|inf|i)$/iu.test(text)) return 'information';
  const kind = guessKind(text);
  return kind === 'information' ? undefined : kind;
}

// Whole phrases only where a single word would also name real business ("Avslutande diskussion", "Opening hours").
const PROCEDURAL = word(
  [
    'mötets öppnande|mötet öppnas|öppnande|öppnande av mötet|inledning|upprop',
    'val av justerare|val av protokolljusterare|val av justeringsperson|justering av protokollet',
    'godkännande av dagordning(?:en)?|fastställande av dagordning(?:en)?',
    'paus|pausen|lunch|fika',
    'övriga frågor|övrigt|övrig fråga',
    'mötets avslutande|mötet avslutas|avslutning|mötets avslutning|nästa möte|kommande möten',
    'opening of the meeting|call to order|roll call|election of adjusters|approval of the agenda|adoption of the agenda',
    'break|coffee break|lunch break|any other business|other business|aob|closing of the meeting|close of the meeting|next meeting',
  ].join('|'),
);

/**
 * The items of the meeting's own order (opening, adjusters, the agenda, a break, any other
 * business, the closing): dealt with by holding the meeting, never business to table. Recognised
 * by the words of their titles, as agenda kinds are.
 */
export function isProceduralTitle(title: string): boolean {
  return PROCEDURAL.test(title) && title.split(/\s+/).length <= 8;
}
