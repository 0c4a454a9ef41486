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
  [/^(jag reserverar mig|reservation|reservera mig)$/, 'reservation', 'sv'],
  [/^(medlemsomröstningar|medlemmar får starta omröstningar) (på|ja)$/, 'memberPollsOn', 'sv'],
  [/^(medlemsomröstningar|medlemmar får starta omröstningar) (av|nej)$/, 'memberPollsOff', 'sv'],
  [/^member polls (on|yes)$/, 'memberPollsOn', 'en'],
  [/^member polls (off|no)$/, 'memberPollsOff', 'en'],
  [/^(i enter a reservation|reservation against)$/, 'reservation', 'en'],
  [/^(close meeting|close the meeting|end meeting|end the meeting)$/, 'closeMeeting', 'en'],
];

/** Commands followed by arguments: the word, then a space, colon or line break. */
const withArgs: readonly [RegExp, CommandKind, Locale][] = [
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
  [/^(reservation|jag reserverar mig)(?=\s*:)/, 'reservation', 'sv'],
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
 * The command word, and every command that is the whole message, lies within this many
 * characters; the longest is under 50. Only this much of a message is normalised and matched, so
 * a megabyte of text costs no more to recognise than a word. What follows a command word is its
 * argument (a pasted agenda) and is kept whole, up to the request body limit.
 */
export const COMMAND_HEAD_CHARS = 256;

/** Teams sends HTML; keep line breaks (pasted schedules and agendas are line-based). */
export function plainText(text: string | undefined): string {
  return (text ?? '')
    .replace(LINE_END_TAG, '\n')
    .replace(TAG, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\r\n?/g, '\n')
    .trim();
}

// A tag holds no "<": with /<[^>]+>/ every "<" lacking a ">" after it read on to the end of the
// text, and a message of "<" took minutes. Now each character is read at most twice. As in
// HTML, "<" opens a tag only before a letter, "/", "!" or "?", so "3 < 5 > 4" stays as typed.
const LINE_END_TAG = /<(?:br\b|\/(?:p|div|li)\b)[^<>]*>/gi;
const TAG = /<[a-z/!?][^<>]*>/gi;

/**
 * What the whole-message commands are matched against: at most COMMAND_HEAD_CHARS characters,
 * whitespace collapsed, no leading "/", no trailing "." or "!" ("Hjälp!"), in lower case. Longer
 * text is cut at the cap, so it can never equal a command.
 */
export function normaliseCommandText(text: string | undefined): string {
  return commandHead(plainText(text));
}

function commandHead(plain: string): string {
  // The look-behind lets a match start only where a run of "." and "!" starts: without it, each
  // of 28,000 dots was a start that read on to the end of the run, and took seconds.
  const head = collapsedHead(plain.replace(/(?<![.!])[.!]+$/, ''), COMMAND_HEAD_CHARS);
  return (head.startsWith('/') ? head.slice(1) : head).toLocaleLowerCase('sv');
}

/** The first `max` characters with runs of whitespace as one space and none at either end. */
function collapsedHead(text: string, max: number): string {
  let out = '';
  let space = false;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      space = out !== '';
    } else {
      if (space) out += ' ';
      space = false;
      out += text[i];
    }
  }
  return out;
}

/** What /\s/ matches, without a regular expression per character. */
function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export function parseCommand(text: string | undefined): Command | undefined {
  const plain = plainText(text);
  const normalised = commandHead(plain);
  for (const [pattern, kind, language] of exact) {
    if (pattern.test(normalised)) return language ? { kind, language } : { kind };
  }
  const body = plain.startsWith('/') ? plain.slice(1) : plain;
  // Case-folded for matching only; the arguments are cut from `body` as typed.
  const lower = body.slice(0, COMMAND_HEAD_CHARS).toLocaleLowerCase('sv');
  for (const [pattern, kind, language] of withArgs) {
    const match = pattern.exec(lower);
    if (match) {
      const args = body.slice(match[0].length).replace(/^[\s:]+/, '').trim();
      return { kind, language, args };
    }
  }
  return undefined;
}
