/**
 * What is left of a schedule line once its date and time are read: "Teammöte", "digitalt,
 * Teams", "Fysiskt möte Regionens hus", "fysiskt (Regionens Hus, Göteborg)", "Vårdvalsråd".
 */
import { WHITESPACE, capText, trimChars } from './text-lines.js';

export interface PlaceReading {
  online: boolean;
  place?: string;
  /** Words that name neither a place nor a way of meeting: the meeting itself, in a free line. */
  other?: string;
}

const FIELD_MAX = 200;

const ONLINE_RE =
  /(?<![\p{L}\p{N}])(?:teamsmöte|teammöte|teams-möte|ms teams|microsoft teams|teams|digitalt möte|digitalt|digital|online|distansmöte|distans|på distans|zoom|webex|skype|videomöte|videolänk|video|webbmöte|webbinarium|webinar|virtuellt|virtual|remote)(?![\p{L}\p{N}])/giu;
const PHYSICAL_RE =
  /(?<![\p{L}\p{N}])(?:fysiskt möte|fysiskt|fysisk|på plats|in person|in-person|on site|irl|plats|lokal|location|venue)(?![\p{L}\p{N}])\s*:?/giu;
// Words that only join a place to the rest of the line ("via teams", "möte i …").
const FILLERS = new Set(['via', 'möte', 'mötet', 'i', 'på', 'at', 'in', 'med', 'with', 'och', 'and', 'samt', 'eller', 'or', 'länk', 'link', 'kl', 'kl.', 'den', 'the']);
const PLACE_WORD_RE =
  /(?<![\p{L}\p{N}])\p{L}*(?:hus|huset|sal|salen|(?<!fo)rum|rummet|lokal|lokalen|gatan|gata|vägen|väg|kontor|kontoret|aula|aulan|center|centrum|torget|sjukhus|sjukhuset|stadshus|stadshuset|regionhuset|building|room|hall|office|street|road|centre)(?![\p{L}\p{N}])/iu;

const NAMED_ROOM_RE = /^(?:lokal|lokalen|sal|salen|rum|rummet)$/iu;
/** A town or a street after a place: capitalised, a few words at most. */
const ADDRESS_PART_RE = /^\p{Lu}[\p{L}\p{N}.\- ]{0,40}$/u;

/**
 * `placeOnly` is for text from a place column or a date-and-place cell: whatever is not a way
 * of meeting is the place. In a free line a remainder is only a place if it reads like one.
 */
export function readPlace(text: string, placeOnly: boolean): PlaceReading {
  let online = false;
  let physical = false;
  let inside = '';
  const outside = text.replace(/\(([^()]*)\)/g, (_, content: string) => {
    inside = inside === '' ? content : `${inside}, ${content}`;
    return ' , ';
  });
  const strip = (part: string): string =>
    part
      .replace(ONLINE_RE, () => {
        online = true;
        return ' ';
      })
      .replace(PHYSICAL_RE, (word: string, at: number, whole: string) => {
        physical = true;
        // "Lokal Resenären" names the room: the word is part of its name, not only a marker.
        return NAMED_ROOM_RE.test(word.trim()) && /^\p{Lu}/u.test(whole.slice(at + word.length)) ? word : ' ';
      });
  const outsideParts = segments(strip(outside));
  const insideText = inside.trim();
  const insideParts = insideText === '' ? [] : segments(strip(insideText));

  const places: string[] = [];
  const others: string[] = [];
  for (const part of outsideParts) {
    // "Regionens hus, Halmstad": what follows a place on the same line is its address.
    if (placeOnly || physical || PLACE_WORD_RE.test(part) || (places.length > 0 && others.length === 0 && ADDRESS_PART_RE.test(part))) places.push(part);
    else others.push(part);
  }
  // "fysiskt (Regionens Hus, Göteborg)": what a parenthesis holds after a place marker is the place.
  if (insideParts.length > 0) {
    if (placeOnly || physical || insideParts.some((p) => PLACE_WORD_RE.test(p))) places.push(insideParts.join(', '));
    else others.push(insideParts.join(', '));
  }
  const reading: PlaceReading = { online };
  const place = capText(places.join(', '), FIELD_MAX);
  const other = capText(others.join(', '), FIELD_MAX);
  if (place !== '') reading.place = place;
  if (other !== '') reading.other = other;
  return reading;
}

function segments(text: string): string[] {
  return text
    .split(/[,;|]/)
    .map((part) => {
      const words = trimChars(part, `${WHITESPACE}-–—:.`).split(/\s+/);
      let from = 0;
      let to = words.length;
      while (from < to && FILLERS.has(words[from]!.toLowerCase())) from++;
      while (to > from && FILLERS.has(words[to - 1]!.toLowerCase())) to--;
      return words.slice(from, to).join(' ');
    })
    .filter((part) => /[\p{L}\p{N}]/u.test(part));
}
