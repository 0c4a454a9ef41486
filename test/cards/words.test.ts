import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STANDING_TITLES } from '../../src/domain/agenda-standing.js';
import { en } from '../../src/i18n/en.js';
import { sv } from '../../src/i18n/sv.js';
import { templatesDir } from '../../src/teams/card-templates.js';
import { parseCommand } from '../../src/teams/commands.js';

describe('one word for a thing, wherever a person reads it', () => {
  it('calls action items åtgärder, never actionpunkter: messages, cards, the standing item, the README', () => {
    const shown = [
      ...Object.values(sv),
      ...Object.values(STANDING_TITLES),
      ...readdirSync(templatesDir).map((f) => readFileSync(join(templatesDir, f), 'utf8')),
      readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
    ];
    expect(shown.filter((text) => /actionpunkt/i.test(text))).toEqual([]);
    expect(STANDING_TITLES.sv).toContain('åtgärder');
  });

  it('still understands actionpunkt typed by someone used to the word', () => {
    expect(parseCommand('actionpunkter')).toEqual(parseCommand('åtgärder'));
    expect(parseCommand('mina actionpunkter')).toEqual(parseCommand('mina åtgärder'));
    expect(parseCommand('Actionpunkt: Björn ringer senast 15/4')).toEqual(parseCommand('Åtgärd: Björn ringer senast 15/4'));
  });

  it('names the document on the welcome card as the document names itself', () => {
    expect(sv['welcome.intro']).toContain(sv['minutes.title'].toLocaleLowerCase('sv'));
    expect(en['welcome.intro']).toContain(en['minutes.title'].toLocaleLowerCase('en'));
    expect(Object.values(sv).filter((text) => /minnesanteckning/i.test(text))).toEqual([]);
  });
});
