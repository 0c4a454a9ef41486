import type { Activity } from 'botbuilder';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type ConversationsApi, type LateRepliesPayload, TurnReplies } from '../../src/teams/late-replies.js';
import { keepingId } from '../../src/teams/posted-cards.js';

const conversation = { id: '19:chat@thread.v2' } as Activity['conversation'];

/** A connector whose calls wait until the test answers them, one by one, in the order they came. */
function manualConnector() {
  const calls: { kind: string; text?: string; answer(id: string): void; fail(status: number): void }[] = [];
  const call = (kind: string) => (_conversationId: string, ...rest: unknown[]) =>
    new Promise<{ id: string }>((resolve, reject) => {
      const activity = rest.at(-1) as Partial<Activity>;
      calls.push({
        kind,
        text: activity.text,
        answer: (id) => resolve({ id }),
        fail: (status) => reject(Object.assign(new Error(`HTTP ${status}`), { statusCode: status })),
      });
    });
  const api: ConversationsApi = { sendToConversation: call('send'), replyToActivity: call('reply'), updateActivity: call('update') };
  return { api, calls };
}

function sink() {
  const queued: LateRepliesPayload[] = [];
  const kept: [string, string][] = [];
  return {
    queued,
    kept,
    sink: {
      queue: async (payload: LateRepliesPayload) => void queued.push(payload),
      remember: async (key: { kind: string; id: string }, activityId: string) => void kept.push([`${key.kind}:${key.id}`, activityId]),
      logger: pino({ level: 'silent' }),
    },
  };
}

const message = (text: string): Partial<Activity> => ({ type: 'message', text, conversation, replyToId: 'incoming' });
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('a turn’s replies against its deadline', () => {
  it('gives the connector’s ids, and its failures, to a turn whose replies are taken in time', async () => {
    const { api, calls } = manualConnector();
    const { sink: s, queued } = sink();
    const replies = new TurnReplies(Date.now() + 60_000, s);
    const first = replies.run('send', [message('ett')], api);
    await settle();
    calls[0]!.answer('a1');
    expect(await first).toEqual([{ id: 'a1' }]);
    const second = replies.run('send', [message('två')], api);
    await settle();
    calls[1]!.fail(503);
    await expect(second).rejects.toMatchObject({ statusCode: 503 });
    replies.finish();
    await settle();
    expect(queued).toEqual([]);
  });

  it('answers blank ids past the deadline, sends on in order, keeps a late card’s id, and hands a late refusal with what follows to the outbox in order', async () => {
    const { api, calls } = manualConnector();
    const { sink: s, queued, kept } = sink();
    const replies = new TurnReplies(Date.now() + 30, s);
    const card = keepingId(message('kortet'), { kind: 'agendaCard', id: 'm1' });
    expect(await replies.run('send', [card], api)).toEqual([{ id: '' }]);
    expect(await replies.run('send', [message('Nu: punkt 1')], api)).toEqual([{ id: '' }]);
    expect(await replies.run('update', [{ ...message('uppdaterad'), id: 'x1' }], api)).toEqual([{ id: '' }]);
    replies.finish();
    // Only the first is with the connector: the others wait behind it.
    expect(calls.map((c) => c.text)).toEqual(['kortet']);
    calls[0]!.answer('card-1');
    await settle();
    expect(kept).toEqual([['agendaCard:m1', 'card-1']]);
    expect(calls.map((c) => c.text)).toEqual(['kortet', 'Nu: punkt 1']);
    calls[1]!.fail(503);
    await settle();
    // The refused reply and the update after it, in order, never tried here after the refusal.
    expect(calls).toHaveLength(2);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.conversationId).toBe(conversation.id);
    expect(queued[0]!.ops).toEqual([
      { op: 'send', activity: { type: 'message', text: 'Nu: punkt 1' } },
      { op: 'update', activity: { type: 'message', text: 'uppdaterad', id: 'x1' } },
    ]);
  });

  it('hands the replies not yet begun to the outbox when the process stops, and does not send them after', async () => {
    const { api, calls } = manualConnector();
    const { sink: s, queued } = sink();
    const replies = new TurnReplies(Date.now() + 10, s);
    await replies.run('send', [message('ett')], api);
    await replies.run('send', [keepingId(message('kortet'), { kind: 'pollCard', id: 'p1' })], api);
    replies.finish();
    await replies.handOver();
    expect(queued.map((q) => q.ops)).toEqual([[{ op: 'send', activity: { type: 'message', text: 'kortet' }, keep: { kind: 'pollCard', id: 'p1' } }]]);
    calls[0]!.answer('a1');
    await settle();
    expect(calls.map((c) => c.text)).toEqual(['ett']);
  });
});
