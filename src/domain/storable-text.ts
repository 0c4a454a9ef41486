/**
 * Text as both stores can keep it. PostgreSQL's text and jsonb refuse U+0000 (SQLite takes it),
 * so a NUL that reached a query would be a database error on one backend and saved on the other.
 * A NUL carries nothing anyone can see, so it is dropped rather than refused. A lone surrogate
 * is not a character either; both drivers would write it as U+FFFD, so it becomes that here,
 * where the text is read, and what a turn compares is what was stored.
 */
export function storableText(text: string): string {
  return text.replace(/\u0000/g, '').replace(/\p{Cs}/gu, '\uFFFD');
}

/** A JSON.parse reviver that makes every string in a document storable. */
export function storableJson(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? storableText(value) : value;
}
