import type { Activity, ResourceResponse } from 'botbuilder';
import type { Logger } from '../app/ports.js';
import { type PostedCardKey, postedCardKey } from './posted-cards.js';
import { retryAfterMs } from './retry-after.js';

/**
 * A turn's replies, when Teams is slow to take them. Teams waits about 10 s for the HTTP answer
 * to an invoke and 15 s for a message, and a reply is a call of the bot's own to the connector:
 * with a connector that takes 20 s, a turn that waited for its replies would answer too late, and
 * the chair would see a failure for a change that was saved. So a turn waits for its replies only
 * until its deadline; then it answers Teams, and what is still going out goes on after the turn,
 * in the order it was sent. A reply the connector refuses after that has no one left to tell: it
 * goes to the outbox with the ones after it, which sends them with its retries and Retry-After.
 * So does one Teams throttles (429) within the turn: its Retry-After is longer than a turn may wait
 * (connector-retries.ts waits out the short ones), and the answer would otherwise be lost.
 */

/** What the outbox is given: sends and updates of one conversation, in order. */
export type ReplyOp = { op: 'send'; activity: Partial<Activity>; keep?: PostedCardKey } | { op: 'update'; activity: Partial<Activity> };

export interface LateRepliesPayload {
  conversationId: string;
  ops: ReplyOp[];
}

export interface LateReplySink {
  /** Replies Teams did not take, in order, for the outbox to send; not before `notBeforeMs` from now (Teams' Retry-After). */
  queue(payload: LateRepliesPayload, notBeforeMs: number): Promise<void>;
  /** Keeps a shared card's message id once Teams has given it. */
  remember(key: PostedCardKey, activityId: string): Promise<void>;
  /**
   * Waits until one more request to the conversation keeps within Teams' per-thread limits, and
   * counts it: a reply takes its turn with the outbox's sends to the same chat instead of meeting
   * a 429. The turn still answers Teams by its deadline; a reply that waits longer goes out after.
   */
  pace?(conversationId: string): Promise<void>;
  logger: Logger;
}

/** The connector client's calls a reply makes (botframework-connector's Conversations). */
export interface ConversationsApi {
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<ResourceResponse>;
  replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<ResourceResponse>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<ResourceResponse>;
}

/** What the outbox needs to send a reply again: its content, not the turn's addressing. */
const CONTENT_FIELDS = ['type', 'id', 'text', 'textFormat', 'attachments', 'attachmentLayout', 'entities', 'summary', 'suggestedActions', 'locale'] as const;

function content(activity: Partial<Activity>): Partial<Activity> {
  const out: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) if (activity[field] !== undefined) out[field] = activity[field];
  return out as Partial<Activity>;
}

function asOp(kind: 'send' | 'update', activity: Partial<Activity>): ReplyOp {
  if (kind === 'update') return { op: 'update', activity: content(activity) };
  const keep = postedCardKey(activity);
  return { op: 'send', activity: content(activity), ...(keep ? { keep } : {}) };
}

interface Step {
  kind: 'send' | 'update';
  activities: Partial<Activity>[];
  /** Past the turn's deadline: the turn has answered without it, and a failure is the outbox's to deal with. */
  late: boolean;
  /** Taken by the outbox before it began (the process stopping): it must not be sent here too. */
  taken: boolean;
}

const pending = new Set<TurnReplies>();

/** One incoming turn's replies: sent in order, waited for until the deadline. */
export class TurnReplies {
  private tail: Promise<void> = Promise.resolve();
  private readonly waiting: Step[] = [];
  /** Once a late reply has failed, the rest of the turn's replies follow it into the outbox, keeping their order. */
  private fallen: ReplyOp[] | undefined;
  private conversationId = '';
  /** The longest Retry-After Teams gave the turn's replies: the outbox waits that long. */
  private notBeforeMs = 0;

  constructor(
    private readonly deadline: number,
    private readonly sink: LateReplySink,
  ) {}

  /**
   * Sends (or updates) in order after the turn's earlier replies; answers by the deadline, with
   * blank ids for what is still going out. `api` is taken while the turn's context is alive: a late
   * step runs after the turn has ended.
   */
  async run(kind: 'send' | 'update', activities: Partial<Activity>[], api: ConversationsApi): Promise<ResourceResponse[]> {
    this.conversationId ||= activities[0]?.conversation?.id ?? '';
    const step: Step = { kind, activities, late: false, taken: false };
    this.waiting.push(step);
    pending.add(this);
    const done = this.tail.then(() => this.deliver(api, step));
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    // Marked in the timer itself: a failure from then on is the step's own to hand to the outbox.
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        step.late = true;
        resolve();
      }, Math.max(0, this.deadline - Date.now()));
    });
    try {
      await Promise.race([done, late]);
    } finally {
      clearTimeout(timer);
    }
    return step.late ? activities.map(() => ({ id: '' })) : done;
  }

  private async deliver(api: ConversationsApi, step: Step): Promise<ResourceResponse[]> {
    this.waiting.splice(this.waiting.indexOf(step), 1);
    const blank = () => step.activities.map(() => ({ id: '' }));
    if (step.taken) return blank();
    if (this.fallen) {
      this.fallen.push(...step.activities.map((a) => asOp(step.kind, a)));
      return blank();
    }
    const responses: ResourceResponse[] = [];
    for (const [index, activity] of step.activities.entries()) {
      let response: ResourceResponse | undefined;
      try {
        await this.sink.pace?.(activity.conversation?.id ?? this.conversationId);
        response = await this.call(api, step.kind, activity);
      } catch (err) {
        const status = (err as { statusCode?: unknown }).statusCode;
        if (!step.late && status !== 429) throw err;
        const rest = step.activities.slice(index);
        this.notBeforeMs = Math.max(this.notBeforeMs, retryAfterMs(err) ?? 0);
        this.sink.logger.warn(
          { conversation: this.conversationId, status, reason: (err as Error)?.message, replies: rest.length, notBeforeMs: this.notBeforeMs },
          step.late ? 'a reply Teams did not take after the turn had answered goes out through the outbox' : 'a reply Teams throttled goes out through the outbox after its Retry-After',
        );
        this.fallen = rest.map((a) => asOp(step.kind, a));
        return blank();
      }
      // Within the turn the handler keeps the id it is given; one given after the turn is kept here.
      const keep = step.kind === 'send' && step.late ? postedCardKey(activity) : undefined;
      if (keep && response?.id) await this.keep(keep, response.id);
      responses.push(response ?? { id: activity.id ?? '' });
    }
    return responses;
  }

  private async keep(key: PostedCardKey, activityId: string): Promise<void> {
    try {
      await this.sink.remember(key, activityId);
    } catch (err) {
      // The card stays as posted, and is not updated in place.
      this.sink.logger.error({ err, conversation: this.conversationId, card: key }, 'a card posted after the turn had answered: its message id could not be kept');
    }
  }

  private call(api: ConversationsApi, kind: 'send' | 'update', activity: Partial<Activity>): Promise<ResourceResponse> {
    const conversationId = activity.conversation?.id ?? '';
    // As CloudAdapter sends them: a reply to the message it answers, or a new message.
    if (kind === 'update') return api.updateActivity(conversationId, activity.id ?? '', activity);
    return activity.replyToId ? api.replyToActivity(conversationId, activity.replyToId, activity) : api.sendToConversation(conversationId, activity);
  }

  /** The turn has ended: once its replies have gone, those Teams refused go to the outbox. */
  finish(): void {
    void this.tail.then(async () => {
      await this.flush();
      pending.delete(this);
    });
  }

  private async flush(): Promise<void> {
    const ops = this.fallen;
    if (!ops?.length) return;
    this.fallen = [];
    try {
      await this.sink.queue({ conversationId: this.conversationId, ops }, this.notBeforeMs);
    } catch (err) {
      this.sink.logger.error({ err, conversation: this.conversationId, replies: ops.length }, 'replies Teams refused could not be queued for the outbox; they are lost');
    }
  }

  /** The process is stopping: replies not yet begun go to the outbox now. */
  async handOver(): Promise<void> {
    const steps = this.waiting.splice(0);
    for (const step of steps) step.taken = true;
    this.fallen = [...(this.fallen ?? []), ...steps.flatMap((s) => s.activities.map((a) => asOp(s.kind, a)))];
    await this.flush();
  }
}

/**
 * Waits up to `timeoutMs` for the replies still going out after their turns; then hands those not
 * yet begun to the outbox. One already with Teams is left to it: whether it arrives is Teams' to say.
 */
export async function drainLateReplies(timeoutMs: number, logger: Logger): Promise<void> {
  if (pending.size === 0) return;
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (pending.size === 0) return;
  logger.warn({ turns: pending.size }, 'stopping with replies still going out; those not begun go to the outbox');
  await Promise.all([...pending].map((turn) => turn.handOver()));
}
