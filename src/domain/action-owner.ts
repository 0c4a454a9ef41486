/**
 * The owner at the start of an action item: a Teams mention, an "@Name", or one to three
 * capitalised words that a colon, dash or verb shows to be a name. A sentence starts with a
 * capital letter anyway, so a bare capitalised word is only a name when what follows reads as
 * "<name> does …"; otherwise there is no owner and the app asks, rather than guess.
 */

export interface OwnerSplit {
  ownerText?: string;
  /** The owner came as a Teams mention or "@Name", so the app can prefer the mentioned user. */
  mention: boolean;
  /** The text after the owner, its separator and any auxiliary ("ska", "will", "to"). */
  rest: string;
}

// Teams may split a mention of "Anna Andersson" into one tag per name.
const AT_TAGS_RE = /^(?:<at(?:\s[^<>]*)?>[^<>]{0,200}<\/at>\s*){1,3}/i;
const AT_TAG_RE = /<at(?:\s[^<>]*)?>([^<>]{0,200})<\/at>/gi;
const AT_SIGN_RE = /^@(\p{L}[\p{L}\p{M}'’.-]*)((?: \p{Lu}[\p{L}\p{M}'’.-]*){0,2})/u;
const NAME_WORD_RE = /^(?:\p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}'’]*)*|\p{Lu}\.)$/u;
// Present tense: Swedish "-r" (tar, skickar, sammanställer), English "-s" (sends, briefs).
const VERB_RE = /^\p{Ll}[\p{Ll}\p{M}]*[rs]$/u;
const DASHES = new Set(['-', '–', '—', '−']);
const PARTICLES = new Set(['af', 'von', 'van', 'de', 'der', 'den', 'di', 'du', 'la', 'le']);
// Word sequences between the owner and the task that the task reads better without.
const AUXILIARIES = [['kommer', 'att'], ['ska'], ['skall'], ['will'], ['shall'], ['is', 'going', 'to'], ['is', 'to'], ['are', 'to'], ['to']];

// Words ending in -r/-s that are no verb, so "Anna eller Björn …" does not make "Anna" the owner.
const NOT_VERBS = new Set([
  'eller', 'efter', 'över', 'under', 'inför', 'utanför', 'innanför', 'hos', 'per', 'enligt', 'samt', 'bakom',
  'as', 'is', 'was', 'has', 'this', 'its', 'his', 'hers', 'ours', 'yours', 'theirs', 'us', 'thus', 'plus', 'across', 'unless', 'besides',
]);

// Capitalised first words that start tasks, not names: imperatives, pronouns, due keywords.
const NOT_NAMES = new Set([
  // sv
  'skicka', 'ta', 'gör', 'göra', 'uppdatera', 'informera', 'kommunicera', 'sammanställ', 'sammanställa', 'boka', 'kalla',
  'bjud', 'bjuda', 'kontakta', 'återkoppla', 'ställ', 'utred', 'utreda', 'undersök', 'undersöka', 'förbered', 'förbereda',
  'skriv', 'skriva', 'ring', 'maila', 'mejla', 'följ', 'se', 'kolla', 'kontrollera', 'planera', 'ordna', 'presentera',
  'svara', 'besvara', 'lämna', 'skapa', 'hämta', 'be', 'fråga', 'stäm', 'samla', 'sprid', 'publicera', 'beställ',
  'granska', 'revidera', 'justera', 'ändra', 'lägg', 'bevaka', 'påminn', 'återkom', 'analysera', 'dela', 'diskutera',
  'sätt', 'begär', 'säkerställ', 'förankra', 'utse', 'upprätta', 'formulera', 'ansvara', 'tillsätt',
  'vi', 'jag', 'du', 'ni', 'de', 'den', 'det', 'denna', 'detta', 'dessa', 'alla', 'någon', 'ingen', 'man',
  'senast', 'till', 'innan', 'före', 'klart', 'åtgärd',
  // en
  'send', 'update', 'prepare', 'contact', 'write', 'brief', 'check', 'follow', 'review', 'draft', 'inform', 'ask', 'book',
  'schedule', 'share', 'circulate', 'call', 'email', 'e-mail', 'set', 'make', 'find', 'organise', 'organize', 'present',
  'collect', 'compile', 'arrange', 'create', 'investigate', 'finalise', 'finalize', 'confirm', 'invite', 'publish', 'reply',
  'respond', 'answer', 'discuss', 'look', 'ensure', 'get', 'put', 'add', 'remind', 'revise', 'submit', 'distribute',
  'coordinate', 'plan', 'propose', 'provide', 'report', 'summarise', 'summarize', 'take', 'do',
  'we', 'i', 'you', 'they', 'he', 'she', 'it', 'the', 'a', 'an', 'all', 'someone', 'somebody', 'everyone', 'everybody', 'nobody',
  'this', 'that', 'these', 'those', 'by', 'before', 'due', 'action',
]);

/** `text` has its whitespace collapsed to single spaces. */
export function splitOwner(text: string): OwnerSplit {
  const tags = AT_TAGS_RE.exec(text);
  if (tags) {
    const names = [...tags[0].matchAll(AT_TAG_RE)].map((m) => m[1]!.trim().replace(/^@/, '')).filter((n) => n !== '');
    if (names.length > 0) return withOwner(names.join(' '), true, text.slice(tags[0].length));
  }
  const at = AT_SIGN_RE.exec(text);
  if (at) return withOwner(trimName(at[1]! + at[2]!), true, text.slice(at[0].length));
  return capitalisedOwner(text);
}

function capitalisedOwner(text: string): OwnerSplit {
  const tokens = text.split(' ');
  const words: string[] = [];
  let capitals = 0;
  let i = 0;
  let separated = false;
  while (i < tokens.length) {
    const { core, separator } = splitSeparator(tokens[i]!);
    if (NAME_WORD_RE.test(core) && capitals < 3) {
      words.push(core);
      capitals++;
      i++;
      if (separator) {
        separated = true;
        break;
      }
      continue;
    }
    const next = tokens[i + 1];
    if (!separator && words.length > 0 && PARTICLES.has(core) && next !== undefined && NAME_WORD_RE.test(splitSeparator(next).core)) {
      words.push(core);
      i++;
      continue;
    }
    break;
  }
  const none: OwnerSplit = { mention: false, rest: text };
  if (capitals === 0 || words.some((w) => NOT_NAMES.has(w.toLowerCase()))) return none;
  if (!separated) {
    const next = tokens[i];
    if (next === undefined) return none;
    if (DASHES.has(next)) i++;
    else if (auxiliaryLength(tokens, i) === 0 && !(VERB_RE.test(next) && !NOT_VERBS.has(next))) return none;
  }
  return withOwner(trimName(words.join(' ')), false, tokens.slice(i).join(' '));
}

function withOwner(ownerText: string, mention: boolean, after: string): OwnerSplit {
  const rest = after.replace(/^[\s:,;–—−-]+/u, '');
  const tokens = rest.split(' ');
  const skip = auxiliaryLength(tokens, 0);
  return { ownerText, mention, rest: tokens.slice(skip).join(' ') };
}

function auxiliaryLength(tokens: readonly string[], at: number): number {
  for (const aux of AUXILIARIES) {
    if (aux.every((word, k) => tokens[at + k]?.toLowerCase() === word) && tokens.length > at + aux.length) return aux.length;
  }
  return 0;
}

function splitSeparator(token: string): { core: string; separator: boolean } {
  const last = token.at(-1);
  return last === ':' || last === ',' ? { core: token.slice(0, -1), separator: true } : { core: token, separator: false };
}

/** A trailing period ends the sentence unless the word is an initial ("Anna A."). */
function trimName(name: string): string {
  return /\p{L}{2}\.$/u.test(name) ? name.slice(0, -1) : name;
}
