import type { Locale } from '../domain/council.js';

/** Text commands, Swedish and English, matched after the @mention is stripped. */
export type CommandKind = 'help' | 'council' | 'setup' | 'syncMembers' | 'meetings' | 'newMeeting' | 'schedule' | 'agenda' | 'importAgenda' | 'openMeeting' | 'nextItem' | 'previousItem' | 'goToItem' | 'closeMeeting' | 'decision' | 'action' | 'actions' | 'myActions' | 'attendance' | 'note' | 'reservation' | 'protocolNote' | 'closeAndTable' | 'closeAnyway' | 'quorum' | 'poll' | 'memberPollsOn' | 'memberPollsOff' | 'nomination' | 'reminders' | 'calendar' | 'minutes' | 'adjusters' | 'sendForApproval' | 'justering' | 'reopenMinutes' | 'exportMinutes' | 'minutesLibrary' | 'diaryNumber';

export interface Command {
  kind: CommandKind;
  /** The language the command was typed in; undefined for words both languages share ("?"). */
  language?: Locale;
  /** What followed the command word, as typed (original case, line breaks kept). */
  args?: string;
}

const exact: readonly [RegExp, CommandKind, Locale | undefined][] = [
  [/^\?$/, 'help', undefined],
  [/^(hjälp|hjalp)$/, 'help', 'sv'],
  [/^help$/, 'help', 'en'],
  [/^(rådet|rådets medlemmar|roller|medlemmar)$/, 'council', 'sv'],
  [/^(council|roles|members)$/, 'council', 'en'],
  [/^(konfigurera|sätt upp|sätt upp rådet)$/, 'setup', 'sv'],
  [/^(setup|set up|set up council)$/, 'setup', 'en'],
  [/^(hämta medlemmar|uppdatera medlemmar)$/, 'syncMembers', 'sv'],
  [/^(sync members|sync)$/, 'syncMembers', 'en'],
  [/^(protokoll|protokollet|protokollsutkast)$/, 'minutes', 'sv'],
  [/^(justering|justeringen)$/, 'justering', 'sv'],
  [/^(exportera protokollet|exportera protokoll|spara protokollet)$/, 'exportMinutes', 'sv'],
  [/^(export minutes|export the minutes|save the minutes)$/, 'exportMinutes', 'en'],
  [/^(approval|minutes approval)$/, 'justering', 'en'],
  [/^(ändra protokollet|öppna protokollet)$/, 'reopenMinutes', 'sv'],
  [/^(change the minutes|reopen the minutes|reopen minutes)$/, 'reopenMinutes', 'en'],
  [/^(minutes|draft minutes)$/, 'minutes', 'en'],
  [/^(möten|kommande möten)$/, 'meetings', 'sv'],
  [/^(meetings|upcoming meetings)$/, 'meetings', 'en'],
  [/^(dagordning|dagordningen)$/, 'agenda', 'sv'],
  [/^agenda$/, 'agenda', 'en'],
  [/^(öppna mötet|öppna möte|starta mötet)$/, 'openMeeting', 'sv'],
  [/^(start meeting|open meeting|start the meeting|open the meeting)$/, 'openMeeting', 'en'],
  [/^(nästa|nästa punkt)$/, 'nextItem', 'sv'],
  [/^(next|next item)$/, 'nextItem', 'en'],
  [/^(föregående|föregående punkt)$/, 'previousItem', 'sv'],
  [/^(previous|previous item)$/, 'previousItem', 'en'],
  [/^(närvaro|närvarolista)$/, 'attendance', 'sv'],
  [/^(attendance|roll call)$/, 'attendance', 'en'],
  [/^(åtgärder|actionpunkter|öppna åtgärder)$/, 'actions', 'sv'],
  [/^(actions|action items|open actions)$/, 'actions', 'en'],
  [/^(mina åtgärder|mina actionpunkter)$/, 'myActions', 'sv'],
  [/^(my actions|my action items)$/, 'myActions', 'en'],
  [/^(avsluta mötet|stäng mötet)$/, 'closeMeeting', 'sv'],
  [/^(nominering|ny nominering|nomineringar)$/, 'nomination', 'sv'],
  [/^(nomination|nominations|new nomination)$/, 'nomination', 'en'],
  [/^(avsluta|stäng) mötet (och|samt) bordlägg( resten| resterande punkter| punkterna)?$/, 'closeAndTable', 'sv'],
  [/^(avsluta|stäng) mötet ändå$/, 'closeAnyway', 'sv'],
  [/^(close|end) (the )?meeting and table( the rest| the remaining items| them)?$/, 'closeAndTable', 'en'],
  [/^(close|end) (the )?meeting anyway$/, 'closeAnyway', 'en'],
  [/^(jag reserverar mig|reservera mig)$/, 'reservation', 'sv'],
  // The same word in both languages.
  [/^reservation$/, 'reservation', undefined],
  [/^(medlemsomröstningar|medlemmar får starta omröstningar) (på|ja)$/, 'memberPollsOn', 'sv'],
  [/^(medlemsomröstningar|medlemmar får starta omröstningar) (av|nej)$/, 'memberPollsOff', 'sv'],
  [/^member polls (on|yes)$/, 'memberPollsOn', 'en'],
  [/^member polls (off|no)$/, 'memberPollsOff', 'en'],
  [/^(i enter a reservation|reservation against)$/, 'reservation', 'en'],
  [/^(close meeting|close the meeting|end meeting|end the meeting)$/, 'closeMeeting', 'en'],
];

/** Commands followed by arguments: the word, then a space, colon or line break. */
const withArgs: readonly [RegExp, CommandKind, Locale | undefined][] = [
  [/^nytt möte(?=$|[\s:])/, 'newMeeting', 'sv'],
  [/^new meeting(?=$|[\s:])/, 'newMeeting', 'en'],
  [/^(mötesplan|mötesschema)(?=$|[\s:])/, 'schedule', 'sv'],
  [/^(schedule|meeting plan)(?=$|[\s:])/, 'schedule', 'en'],
  [/^(dagordning|dagordningen)(?=$|[\s:])/, 'importAgenda', 'sv'],
  [/^agenda(?=$|[\s:])/, 'importAgenda', 'en'],
  // A colon is required: "beslut är fattat" in a chat is no command.
  [/^beslut(?=\s*:)/, 'decision', 'sv'],
  [/^decision(?=\s*:)/, 'decision', 'en'],
  [/^(åtgärd|actionpunkt)(?=\s*:)/, 'action', 'sv'],
  [/^action(?=\s*:)/, 'action', 'en'],
  [/^(protokollsanteckning|protokollanteckning)(?=\s*:)/, 'protocolNote', 'sv'],
  [/^(protocol note|note for the minutes)(?=\s*:)/, 'protocolNote', 'en'],
  [/^jag reserverar mig(?=\s*:)/, 'reservation', 'sv'],
  [/^reservation(?=\s*:)/, 'reservation', undefined],
  [/^anteckning(?=\s*:)/, 'note', 'sv'],
  [/^note(?=\s*:)/, 'note', 'en'],
  [/^(beslutförhet|beslutsförhet)(?=$|[\s:])/, 'quorum', 'sv'],
  [/^(omröstning|ny omröstning|enkät)(?=$|[\s:])/, 'poll', 'sv'],
  [/^(poll|new poll)(?=$|[\s:])/, 'poll', 'en'],
  [/^quorum(?=$|[\s:])/, 'quorum', 'en'],
  [/^(påminnelser|påminnelse)(?=$|[\s:])/, 'reminders', 'sv'],
  [/^(reminders|reminder)(?=$|[\s:])/, 'reminders', 'en'],
  [/^kalender(?=$|[\s:])/, 'calendar', 'sv'],
  [/^justerare(?=$|[\s:])/, 'adjusters', 'sv'],
  [/^protokollbibliotek(?=$|[\s:])/, 'minutesLibrary', 'sv'],
  [/^minutes library(?=$|[\s:])/, 'minutesLibrary', 'en'],
  [/^diarienummer(?=$|[\s:])/, 'diaryNumber', 'sv'],
  [/^reference number(?=$|[\s:])/, 'diaryNumber', 'en'],
  [/^adjusters?(?=$|[\s:])/, 'adjusters', 'en'],
  [/^skicka (protokollet )?för justering(?=$|[\s:])/, 'sendForApproval', 'sv'],
  [/^send (the minutes )?for approval(?=$|[\s:])/, 'sendForApproval', 'en'],
  [/^calendar(?=$|[\s:])/, 'calendar', 'en'],
  [/^(punkt|gå till punkt)(?=\s)/, 'goToItem', 'sv'],
  [/^(item|go to item)(?=\s)/, 'goToItem', 'en'],
];

/**
 * The colon commands also understood without their colon ("Beslut Rådet tackar …"), when the
 * message is addressed to the bot (an @mention, the personal chat) and the next word begins with
 * a capital letter. A decision or a note is a sentence of its own and starts with one, an action
 * with its owner's name ("Åtgärd Helena …"); a chat line that merely starts with the word goes on
 * in lower case ("beslut är fattat", "note to self"). In a channel the bot hears all chatter, so
 * a message not addressed to it needs the colon, as before.
 */
const colonless: readonly [RegExp, CommandKind, Locale][] = [
  [/^beslut(?=\s)/, 'decision', 'sv'],
  [/^decision(?=\s)/, 'decision', 'en'],
  [/^åtgärd(?=\s)/, 'action', 'sv'],
  [/^action(?=\s)/, 'action', 'en'],
  [/^(protokollsanteckning|protokollanteckning)(?=\s)/, 'protocolNote', 'sv'],
  [/^(protocol note|note for the minutes)(?=\s)/, 'protocolNote', 'en'],
  [/^anteckning(?=\s)/, 'note', 'sv'],
  [/^note(?=\s)/, 'note', 'en'],
];

/**
 * How much of a message, HTML included, is read to recognise a command. Command words are under
 * 50 characters and Teams' markup around them is short, so a message longer than this is no
 * whole-message command ("hjälp"), and a megabyte of text costs no more to reject than a word.
 * A command with arguments is recognised in this window; its arguments (a pasted agenda) are
 * then read from the whole message, up to the request body limit.
 */
export const COMMAND_WINDOW_CHARS = 2048;

/** Teams sends HTML; keep line breaks (pasted schedules and agendas are line-based). */
export function plainText(text: string | undefined): string {
  return (text ?? '')
    .replace(LINE_END_TAG, '\n')
    .replace(TAG, '')
    .replace(ENTITY, (entity) => ENTITIES[entity]!)
    .replace(/\r\n?/g, '\n')
    .trim();
}

// A tag holds no "<": with /<[^>]+>/ every "<" lacking a ">" after it read on to the end of the
// text, and a message of "<" took minutes. Now each character is read at most twice. As in
// HTML, "<" opens a tag only before a letter, "/", "!" or "?", so "3 < 5 > 4" stays as typed.
const LINE_END_TAG = /<(?:br\b|\/(?:p|div|li)\b)[^<>]*>/gi;
const TAG = /<[a-z/!?][^<>]*>/gi;
// One pass rather than one per entity (a run of "&" made each pass slow), and "&amp;lt;" becomes "&lt;".
const ENTITY = /&(?:nbsp|lt|gt|quot|#39|amp);/g;
const ENTITIES: Readonly<Record<string, string>> = { '&nbsp;': ' ', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/**
 * What the whole-message commands are matched against: whitespace collapsed, no leading "/", no
 * trailing "." or "!" ("Hjälp!"), in lower case; of a longer message, its first
 * COMMAND_WINDOW_CHARS characters.
 */
export function normaliseCommandText(text: string | undefined, options: { plain?: boolean } = {}): string {
  const window = commandWindow(text);
  return commandHead(options.plain ? window.trim() : plainText(window), (text ?? '').length <= COMMAND_WINDOW_CHARS);
}

function commandWindow(text: string | undefined): string {
  const raw = text ?? '';
  return raw.length > COMMAND_WINDOW_CHARS ? raw.slice(0, COMMAND_WINDOW_CHARS) : raw;
}

/** `whole`: the window is the whole message, so its end is the message's end. */
function commandHead(plain: string, whole: boolean): string {
  // The look-behind lets a match start only where a run of "." and "!" starts: without it, each
  // of 28,000 dots was a start that read on to the end of the run, and took seconds.
  const head = (whole ? plain.replace(/(?<![.!])[.!]+$/, '') : plain).replace(/\s+/g, ' ').trim();
  return (head.startsWith('/') ? head.slice(1) : head).toLocaleLowerCase('sv');
}

/** Every command the parser knows, with the language of its words (undefined for words both share); the README's table is held to it. */
export function knownCommands(): readonly { kind: CommandKind; language: Locale | undefined }[] {
  const all = [...exact, ...withArgs, ...colonless].map(([, kind, language]) => ({ kind, language }));
  return all.filter((c, i) => all.findIndex((d) => d.kind === c.kind && d.language === c.language) === i);
}

export interface ParseOptions {
  /** The message @mentions the bot or is in the personal chat: it is meant for the bot. */
  addressed?: boolean;
  /** The text was read from the message's markup already (see message-input.ts). */
  plain?: boolean;
}

export function parseCommand(text: string | undefined, options: ParseOptions = {}): Command | undefined {
  const toPlain = options.plain ? (t: string | undefined) => (t ?? '').trim() : plainText;
  const whole = (text ?? '').length <= COMMAND_WINDOW_CHARS;
  const window = toPlain(commandWindow(text));
  if (whole) {
    const normalised = commandHead(window, true);
    for (const [pattern, kind, language] of exact) {
      if (pattern.test(normalised)) return language ? { kind, language } : { kind };
    }
  }
  const lower = (window.startsWith('/') ? window.slice(1) : window).toLocaleLowerCase('sv');
  for (const [pattern, kind, language] of withArgs) {
    const match = pattern.exec(lower);
    if (match) {
      // The window and the whole message read the same up to the window's end, command word included.
      const plain = whole ? window : toPlain(text);
      const body = plain.startsWith('/') ? plain.slice(1) : plain;
      const args = body.slice(match[0].length).replace(/^[\s:]+/, '').trim();
      return language ? { kind, language, args } : { kind, args };
    }
  }
  if (options.addressed) {
    for (const [pattern, kind, language] of colonless) {
      const match = pattern.exec(lower);
      if (!match) continue;
      const plain = whole ? window : toPlain(text);
      const args = (plain.startsWith('/') ? plain.slice(1) : plain).slice(match[0].length).trim();
      if (/^\p{Lu}/u.test(args)) return { kind, language, args };
    }
  }
  return undefined;
}

/**
 * What follows the command word of `kind` at the start of `text` (plain text), or undefined when
 * the text does not open with it: how a formatted message's first paragraph loses its command.
 */
export function commandArgs(text: string, kind: CommandKind): string | undefined {
  const trimmed = text.trimStart();
  const body = trimmed.startsWith('/') ? trimmed.slice(1) : trimmed;
  const lower = body.toLocaleLowerCase('sv');
  for (const [pattern, patternKind] of withArgs) {
    if (patternKind !== kind) continue;
    const match = pattern.exec(lower);
    if (match) return body.slice(match[0].length).replace(/^[\s:]+/, '');
  }
  return undefined;
}
