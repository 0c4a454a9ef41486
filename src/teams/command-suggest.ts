import { distance } from 'fastest-levenshtein';
import type { Locale } from '../domain/council.js';

/**
 * The command words a near miss is compared with, as help shows them. `args`: the word is
 * followed by text ("Beslut: …"), so only the words before a colon, or as many words as the
 * command has, are compared; what follows is the person's own text and is never corrected.
 */
interface CommandWord {
  text: string;
  language: Locale;
  args?: 'colon' | 'space';
}

const WORDS: readonly CommandWord[] = [
  ...['hjälp', 'rådet', 'konfigurera', 'hämta medlemmar', 'protokoll', 'justering', 'exportera protokollet', 'ändra protokollet', 'möten', 'dagordning', 'öppna mötet', 'nästa', 'föregående', 'närvaro', 'åtgärder', 'mina åtgärder', 'avsluta mötet', 'nominering', 'omröstning', 'påminnelser', 'kalender', 'beslutförhet'].map((text) => ({ text, language: 'sv' as const })),
  ...['help', 'council', 'setup', 'sync members', 'minutes', 'approval', 'export minutes', 'change the minutes', 'meetings', 'agenda', 'start meeting', 'open meeting', 'next', 'previous', 'attendance', 'actions', 'my actions', 'close meeting', 'nomination', 'poll', 'reminders', 'calendar', 'quorum'].map((text) => ({ text, language: 'en' as const })),
  ...['nytt möte', 'mötesplan', 'justerare', 'punkt'].map((text) => ({ text, language: 'sv' as const, args: 'space' as const })),
  ...['new meeting', 'schedule', 'adjusters', 'item'].map((text) => ({ text, language: 'en' as const, args: 'space' as const })),
  ...['Beslut', 'Åtgärd', 'Anteckning', 'Protokollsanteckning', 'Reservation'].map((text) => ({ text, language: 'sv' as const, args: 'colon' as const })),
  ...['Decision', 'Action', 'Note', 'Protocol note'].map((text) => ({ text, language: 'en' as const, args: 'colon' as const })),
];

/** A message this long is a sentence, not a mistyped command. */
const MAX_WORDS = 4;

/** How many typing mistakes a word of this length may hold and still be that word. */
function allowed(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  return 2;
}

export interface Suggestion {
  /** What to type, as help shows it ("dagordning", "Beslut: …"). */
  text: string;
  language: Locale;
}

/**
 * "Menade du …?": the command a message not understood was most likely meant to be, from the
 * normalised message (lower case, one space between words). Undefined when none is close.
 */
export function suggestCommand(normalised: string): Suggestion | undefined {
  const colon = normalised.indexOf(':');
  const head = (colon >= 0 ? normalised.slice(0, colon) : normalised).replace(/(?<![?!.])[?!.]+$/u, '').trim();
  const words = head.split(' ').filter(Boolean);
  if (words.length === 0) return undefined;
  let best: { word: CommandWord; cost: number } | undefined;
  for (const word of WORDS) {
    const target = word.text.toLocaleLowerCase('sv');
    const length = target.split(' ').length;
    if (words.length < length) continue;
    // A command without arguments is the whole message, and a short one; one with them is its first words.
    if (!word.args && (colon >= 0 || words.length !== length || words.length > MAX_WORDS)) continue;
    const cost = distance(words.slice(0, length).join(' '), target);
    // "beslut Rådet tackar": the word is right, the colon is what is missing.
    const missingColon = cost === 0 && word.args === 'colon' && colon < 0 && words.length > length;
    if ((cost === 0 && !missingColon) || cost > allowed(target.length)) continue;
    if (!best || cost < best.cost) best = { word, cost };
  }
  if (!best) return undefined;
  const { text, language, args } = best.word;
  return { text: args === 'colon' ? `${text}: …` : args === 'space' ? `${text} …` : text, language };
}
