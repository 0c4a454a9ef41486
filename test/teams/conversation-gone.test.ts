import { describe, expect, it } from 'vitest';
import { goneCode } from '../../src/teams/conversation-gone.js';

/** What the Bot Connector client (@azure/core-rest-pipeline's RestError) throws: the body's error code as `code`. */
function refusal(statusCode: number, code: string): Error {
  return Object.assign(new Error('refused'), { name: 'RestError', statusCode, code });
}

describe('a send refused because the conversation is gone', () => {
  it('is told by the connector’s 403 BotNotInConversationRoster or 404 ConversationNotFound', () => {
    expect(goneCode(refusal(403, 'BotNotInConversationRoster'))).toBe('BotNotInConversationRoster');
    expect(goneCode(refusal(404, 'ConversationNotFound'))).toBe('ConversationNotFound');
    expect(goneCode({ statusCode: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } })).toBe(
      'BotNotInConversationRoster',
    );
  });

  it('is not any other 403 or 404, nor a gone code with another status', () => {
    expect(goneCode(refusal(403, 'Forbidden'))).toBeUndefined();
    expect(goneCode(refusal(404, 'ActivityNotFoundInConversation'))).toBeUndefined();
    expect(goneCode(refusal(500, 'ConversationNotFound'))).toBeUndefined();
    expect(goneCode(new Error('BotNotInConversationRoster'))).toBeUndefined();
    expect(goneCode(undefined)).toBeUndefined();
  });
});
