/**
 * What Teams renders as markdown in an Adaptive Card: TextBlock.text and a Fact's title and
 * value ("Format cards in Teams", learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
 * A TextRun is never markdown (schema explorer: "Markdown is not supported"), nor are inputs,
 * choices or button titles. The walk goes through every object, not a list of known
 * containers, so an element added later is looked at too.
 */
export function markdownTexts(card: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown, inFacts: boolean) => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, inFacts));
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'TextBlock' && typeof obj.text === 'string') out.push(obj.text);
    if (inFacts) for (const key of ['title', 'value']) if (typeof obj[key] === 'string') out.push(obj[key] as string);
    for (const [key, value] of Object.entries(obj)) visit(value, key === 'facts');
  };
  visit(card, false);
  return out;
}

/** Every string anywhere in a card: where a user's text must still be found, as plain text. */
export function allStrings(card: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown) => {
    if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(card);
  return out;
}

/** A link, HTML and emphasis as someone might type them into a name, a title or a comment. */
export const HOSTILE = [
  '[logga in igen](https://evil.example/a)',
  '<a href="https://evil.example/b">x</a>',
  '**fet**',
  '<img src=x onerror=alert(1)>',
];
/** One field's worth of all of them (short enough for every input's length limit). */
export const HOSTILE_TEXT = HOSTILE.join(' ');

/** Parts of the hostile strings that must not reach markdown: a link target, a tag, emphasis. */
const MARKERS = ['evil.example', 'onerror', '**fet**', '<a ', '<img'];

/** The markdown-rendered strings of a card that carry something a user wrote. */
export function liveUserMarkup(card: unknown): string[] {
  return markdownTexts(card).filter((text) => MARKERS.some((m) => text.includes(m)));
}
