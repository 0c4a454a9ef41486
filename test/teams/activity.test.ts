import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { councilConversationId, councilConversationRecord, threadOfAnotherChannel } from '../../src/teams/activity.js';

const channel = '19:0a1b2c3d4e5f@thread.tacv2';

function activity(conversationId: string, channelId: string | undefined, type = 'channel'): Activity {
  return {
    type: 'message',
    id: '1765000000123',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    from: { id: '29:user', name: 'Åsa' },
    recipient: { id: '28:bot', name: 'Bot' },
    conversation: { id: conversationId, conversationType: type, isGroup: true, tenantId: 't1' },
    channelData: { tenant: { id: 't1' }, ...(channelId ? { teamsChannelId: channelId, channel: { id: channelId } } : {}) },
  } as Activity;
}

describe('the conversation a council is kept under', () => {
  it('is the channel for a post in any of its threads, and the chat for a chat', () => {
    expect(councilConversationId(activity(`${channel};messageid=1765000000001`, channel))).toBe(channel);
    expect(councilConversationId(activity(channel, channel))).toBe(channel);
    expect(councilConversationId(activity('19:chat@thread.v2', undefined, 'groupChat'))).toBe('19:chat@thread.v2');
    expect(councilConversationId(activity('a:personal', undefined, 'personal'))).toBe('a:personal');
  });

  it('reads a suffix it does not know as the conversation before it', () => {
    expect(councilConversationId(activity(`${channel};skypeid=7`, channel))).toBe(channel);
    expect(threadOfAnotherChannel(activity(`${channel};skypeid=7`, channel))).toBe(false);
  });

  it('knows a thread of another channel, but not a channel event naming another channel', () => {
    expect(threadOfAnotherChannel(activity(`19:other@thread.tacv2;messageid=1`, channel))).toBe(true);
    expect(threadOfAnotherChannel(activity(`${channel};messageid=1`, channel))).toBe(false);
    // channelCreated: the conversation is the team's General channel, channelData the new channel.
    expect(threadOfAnotherChannel(activity('19:general@thread.tacv2', channel))).toBe(false);
  });

  it('keeps for proactive cards the channel without the thread or the post replied to', () => {
    const record = councilConversationRecord(activity(`${channel};messageid=1765000000001`, channel));
    expect(record).toMatchObject({ conversationId: channel, tenantId: 't1', kind: 'channel' });
    const reference = JSON.parse(record.reference);
    expect(reference.conversation).toMatchObject({ id: channel, tenantId: 't1' });
    expect(reference.activityId).toBeUndefined();
    expect(reference.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
  });
});
