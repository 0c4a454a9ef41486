import type { Locale } from '../domain/council.js';

/**
 * Words that mark a short message as Swedish or English. Only words the other language does not
 * also use ("i" is both) and that questions to the bot are made of: "hur skapar jag ett råd?".
 */
const MARKERS: Record<Locale, ReadonlySet<string>> = {
  sv: new Set(['jag', 'hur', 'vad', 'var', 'när', 'vem', 'ett', 'en', 'och', 'att', 'det', 'är', 'kan', 'inte', 'vi', 'du', 'ni', 'för', 'med', 'på', 'om', 'som', 'till', 'hej', 'tack', 'skapar', 'göra', 'gör', 'möte', 'mötet', 'råd', 'rådet', 'vill', 'ska', 'hjälp', 'snälla', 'varför', 'finns']),
  en: new Set(['how', 'what', 'where', 'when', 'who', 'the', 'a', 'an', 'and', 'to', 'it', 'is', 'can', 'not', 'we', 'you', 'for', 'with', 'on', 'of', 'do', 'does', 'hello', 'hi', 'thanks', 'please', 'create', 'make', 'meeting', 'council', 'want', 'should', 'why', 'there']),
};

/**
 * The language a person wrote a message in, for answering one the bot did not understand in
 * that language, whatever the Teams client's language: undefined when the words do not tell.
 */
export function writtenLanguage(text: string): Locale | undefined {
  const words = text.toLocaleLowerCase('sv').match(/\p{L}+/gu) ?? [];
  let sv = 0;
  let en = 0;
  for (const word of words) {
    if (MARKERS.sv.has(word)) sv++;
    if (MARKERS.en.has(word)) en++;
  }
  // Å, ä and ö are Swedish letters; an English sentence has none.
  if (/[åäö]/iu.test(text)) sv++;
  if (sv === en) return undefined;
  return sv > en ? 'sv' : 'en';
}
