import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from '../../src/domain/storable-text.js';

describe('storable text', () => {
  it('drops NUL, which PostgreSQL text and jsonb cannot hold', () => {
    expect(storableText('Vårdvals\u0000råd\u0000')).toBe('Vårdvalsråd');
  });

  it('turns a lone surrogate into U+FFFD and keeps real pairs and other control characters', () => {
    expect(storableText('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
    expect(storableText('😀 tab\there\nline')).toBe('😀 tab\there\nline');
  });

  it('cleans every string of a JSON document as it is parsed', () => {
    const raw = '{"text":"hj\\u00e4lp\\u0000","value":{"action":{"data":{"name":"R\\u0000\\ud800d","n":[1,"x\\u0000"]}}}}';
    expect(JSON.parse(raw, storableJson)).toEqual({ text: 'hjälp', value: { action: { data: { name: 'R\uFFFDd', n: [1, 'x'] } } } });
  });
});
