import { describe, expect, it } from 'vitest';
import { suggestCommand } from '../../src/teams/command-suggest.js';
import { normaliseCommandText } from '../../src/teams/commands.js';

const suggest = (text: string) => suggestCommand(normaliseCommandText(text));

describe('"Menade du …?" for near misses of command words', () => {
  it.each([
    ['dagordnig', 'dagordning', 'sv'],
    ['protokol', 'protokoll', 'sv'],
    ['hjälpp', 'hjälp', 'sv'],
    ['Hjälpp?', 'hjälp', 'sv'],
    ['agneda', 'agenda', 'en'],
    ['öppna mötte', 'öppna mötet', 'sv'],
    ['avsluta möet', 'avsluta mötet', 'sv'],
    ['atendance', 'attendance', 'en'],
  ])('%s → %s', (typed, text, language) => {
    expect(suggest(typed)).toEqual({ text, language });
  });

  it('names the colon command whose word is mistyped or whose colon is missing', () => {
    expect(suggest('Beslutt: Rådet tackar')).toEqual({ text: 'Beslut: …', language: 'sv' });
    expect(suggest('beslut rådet tackar för rapporten')).toEqual({ text: 'Beslut: …', language: 'sv' });
    expect(suggest('Decison: approved')).toEqual({ text: 'Decision: …', language: 'en' });
    expect(suggest('nyt möte 2027-01-14 13:00-16:00 Regionens hus')).toEqual({ text: 'nytt möte …', language: 'sv' });
  });

  it('never corrects the text a command carries, nor a sentence', () => {
    // The words after "dagordning:" are the person's own: the command word itself is right.
    expect(suggest('hur skapar jag ett råd?')).toBeUndefined();
    expect(suggest('hej')).toBeUndefined();
    expect(suggest('tack så mycket')).toBeUndefined();
    expect(suggest('vi ses på torsdag i protokol')).toBeUndefined();
    expect(suggest('what is the agneda for thursday')).toBeUndefined();
  });

  it('suggests nothing for a command typed right (it is no near miss)', () => {
    expect(suggest('dagordning')).toBeUndefined();
    expect(suggest('help')).toBeUndefined();
  });
});
