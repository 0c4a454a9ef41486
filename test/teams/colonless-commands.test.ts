import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/teams/commands.js';

describe('colon commands without their colon', () => {
  const addressed = { addressed: true };

  it('reads "Beslut Rådet tackar …" addressed to the bot as a decision', () => {
    expect(parseCommand('Beslut Rådet tackar för rapporten.', addressed)).toEqual({ kind: 'decision', language: 'sv', args: 'Rådet tackar för rapporten.' });
    expect(parseCommand('beslut Rådet tackar för rapporten.', addressed)).toEqual({ kind: 'decision', language: 'sv', args: 'Rådet tackar för rapporten.' });
    expect(parseCommand('Decision The council approves the plan.', addressed)).toEqual({ kind: 'decision', language: 'en', args: 'The council approves the plan.' });
    expect(parseCommand('Åtgärd Helena skickar beslutet senast 15/4', addressed)).toEqual({ kind: 'action', language: 'sv', args: 'Helena skickar beslutet senast 15/4' });
    expect(parseCommand('Anteckning Ekonomichefen deltog.', addressed)).toEqual({ kind: 'note', language: 'sv', args: 'Ekonomichefen deltog.' });
    expect(parseCommand('Protokollsanteckning Jag vill att det noteras.', addressed)?.kind).toBe('protocolNote');
  });

  it('leaves a sentence that merely starts with the word alone', () => {
    expect(parseCommand('beslut är fattat', addressed)).toBeUndefined();
    expect(parseCommand('Beslut om budgeten tas nästa gång', addressed)).toBeUndefined();
    expect(parseCommand('Note to self: buy milk', addressed)?.kind).not.toBe('note');
    expect(parseCommand('Åtgärder', addressed)?.kind).toBe('actions');
  });

  it('needs the colon in a message not addressed to the bot (channel chatter)', () => {
    expect(parseCommand('Beslut Rådet tackar för rapporten.')).toBeUndefined();
    expect(parseCommand('Beslut: Rådet tackar för rapporten.')?.kind).toBe('decision');
  });
});
