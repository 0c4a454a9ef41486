/**
 * Card actions on a running meeting, for `npm run bench` (run.ts):
 * - record decision: decision.record as the live card's recording form sends it (the action's
 *   data with dText and dOutcome); the real bot answers with the updated live card, and its outbox
 *   then sends a decision card to the conversation (waited for after the timed invoke, not timed);
 * - next item: meeting.goTo with target 'item'; the real bot answers with the live card moved on.
 *
 * Every worker acts on a meeting of its own: the real bot gets one council per worker, each in its
 * own group chat with a meeting that starts in a few minutes, a four-item agenda and the meeting
 * opened, as test/e2e/running.test.ts does. That keeps the load at BENCH_CONCURRENCY and lets each
 * "next item" invoke carry the version the previous answer on its meeting carried, so every invoke
 * really moves (alternating between agenda items 2 and 3) and none is answered as stale. Each
 * "record decision" has a text never sent before (the same text from the same user on the same
 * item is taken as a retry); after the timed invoke the decision is undone with decision.undo,
 * not timed, so a meeting holds at most one decision and the live card keeps its size across
 * rounds. The echo bot gets the same invoke shapes, the undo included.
 *
 * An answer counts as an error unless it is what the real bot gives on the path measured: the
 * live card with the decision card sent within 10 s (record decision), or the live card one version on with
 * the target item current (next item). Anything else, an error or stale card included, is an error.
 */
import { utcToZoned } from '../src/domain/meeting-time.js';
import type { FakeConnector } from '../test/support/fake-connector.js';
import { type Conversation, type InvokeResult, type TeamsClient, type User, cardOf, cardTexts, findAction, walkCard } from '../test/support/teams-client.js';

export type CardActionKind = 'recordDecision' | 'nextItem';

/** How the two scenarios are driven, for the printed summary and the results file. */
export function cardActionMethod(concurrency: number): Record<CardActionKind, string> {
  const meetings = `concurrency ${concurrency}, one open meeting per worker (${concurrency} council${concurrency === 1 ? '' : 's'} in session)`;
  return {
    recordDecision: `${meetings}; decision.record with the live card's action data and a new dText each time; each decision is undone after its timed invoke (decision.undo: not in the latencies, but in throughput and bot CPU)`,
    nextItem: `${meetings}; meeting.goTo target 'item' at the version the previous answer on that meeting carried, alternating items 2 and 3, so every invoke moves`,
  };
}

interface BenchMeeting {
  conversation: Conversation;
  meetingId: string;
  /** The meeting's version as the last answer showed it. */
  version: number;
  currentItemId: string;
  /** The two items "next item" moves between. */
  items: [string, string];
  /** The data of the live card's decision.record action (the recording form on the current item). */
  recordData: Record<string, unknown>;
}

/** Meetings handed to one worker at a time; with as many meetings as workers one is always free. */
export class MeetingPool {
  private readonly free: BenchMeeting[];

  constructor(readonly meetings: readonly BenchMeeting[]) {
    this.free = [...meetings];
  }

  /** The same meetings with their own copy of the state, for the echo bot (which changes nothing). */
  copy(): MeetingPool {
    return new MeetingPool(this.meetings.map((m) => structuredClone(m)));
  }

  async use<T>(fn: (meeting: BenchMeeting) => Promise<T>): Promise<T> {
    const meeting = this.free.pop();
    if (!meeting) throw new Error('more workers than meetings');
    try {
      return await fn(meeting);
    } finally {
      this.free.push(meeting);
    }
  }
}

/** Start and end of a meeting starting in a few minutes, Stockholm time (it can be opened up to 12 hours before). */
function soon(): string {
  let start = utcToZoned(new Date(Date.now() + 5 * 60_000).toISOString(), 'Europe/Stockholm');
  // Late in the evening the meeting would end before it starts: take one just after midnight.
  if (start.time >= '23:30') start = utcToZoned(new Date(Date.now() + 40 * 60_000).toISOString(), 'Europe/Stockholm');
  const [h, m] = start.time.split(':').map(Number) as [number, number];
  const endMinutes = Math.min(h * 60 + m + 120, 23 * 60 + 59);
  const end = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  return `${start.date} ${start.time}-${end} Regionens hus`;
}

const AGENDA = 'dagordning:\n- Inledning\n- Ekonomi\n- Budget\n- Övriga frågor';

/** The first few texts of a card or the start of a body, for error messages. */
function describe(result: InvokeResult): string {
  const texts = result.card ? cardTexts(result.card).slice(0, 3).join(' | ') : JSON.stringify(result.body ?? '').slice(0, 200);
  return `${result.status} ${texts}`;
}

/** The state a live card (the chair's view) shows: version, recording form and current item. */
export function readLive(card: any): { version: number; recordData: Record<string, unknown>; currentItemId: string } {
  const version = Number(findAction(card, 'meeting.goTo').data?.version);
  const recordData = findAction(card, 'decision.record').data as Record<string, unknown>;
  const currentItemId = String(recordData.forItemId ?? recordData.itemId ?? '');
  if (!Number.isInteger(version) || !currentItemId) throw new Error('live card without version or current item');
  return { version, recordData, currentItemId };
}

/** A council in its own group chat with an open meeting on a four-item agenda, all as the chair. */
async function openMeeting(client: TeamsClient, connector: FakeConnector, conversation: Conversation, chair: User, roster: readonly User[]): Promise<BenchMeeting> {
  connector.setRoster(conversation.id, roster.map((u) => ({ id: u.id, name: u.name, aadObjectId: u.aadObjectId })));
  const step = async (what: string, run: () => Promise<{ status: number }>) => {
    const mark = connector.calls.length;
    const { status } = await run();
    const sent = connector.calls.slice(mark).filter((c) => c.kind === 'send' && c.conversationId === conversation.id);
    if (status !== 200) throw new Error(`${conversation.id}: ${what} answered ${status}`);
    return { status, cards: sent.map((c) => cardOf(c.body)).filter(Boolean), texts: sent.map((c) => c.body.text ?? '') };
  };
  const setup = await client.execute(conversation, chair, {
    verb: 'council.setup',
    data: { name: conversation.name, locale: 'sv', timeZone: 'Europe/Stockholm' },
  });
  if (setup.status !== 200 || !setup.card) throw new Error(`${conversation.id}: council.setup ${describe(setup)}`);
  await step('nytt möte', () => client.say(conversation, chair, `nytt möte ${soon()}`));
  const preview = (await step('dagordning', () => client.say(conversation, chair, AGENDA))).cards.find((c) =>
    walkCard(c).some((n) => n.verb === 'agenda.confirmImport'),
  );
  if (!preview) throw new Error(`${conversation.id}: no agenda preview card`);
  const confirmed = await client.execute(conversation, chair, findAction(preview, 'agenda.confirmImport'), {});
  if (confirmed.status !== 200 || !confirmed.card) throw new Error(`${conversation.id}: agenda.confirmImport ${describe(confirmed)}`);
  const opened = await step('öppna mötet', () => client.say(conversation, chair, 'öppna mötet'));
  const posted = opened.cards.find((c) => walkCard(c).some((n) => n.verb === 'agenda.show'));
  if (!posted) throw new Error(`${conversation.id}: no live card posted on 'öppna mötet': ${opened.texts.join(' | ')}`);
  const meetingId = String(findAction(posted, 'agenda.show').data.meetingId);

  const shown = await client.execute(conversation, chair, { verb: 'agenda.show', data: { meetingId } });
  if (shown.status !== 200 || !shown.card) throw new Error(`${conversation.id}: agenda.show ${describe(shown)}`);
  // The "go to item" form: the ShowCard whose action is meeting.goTo, and its itemId choices.
  const goToForm = walkCard(shown.card).find((n) => n.type === 'Action.ShowCard' && walkCard(n.card).some((a) => a.verb === 'meeting.goTo'));
  const choices: string[] = (walkCard(goToForm?.card).find((n) => n.type === 'Input.ChoiceSet' && n.id === 'itemId')?.choices ?? []).map((c: any) => c.value);
  if (choices.length < 3) throw new Error(`${conversation.id}: the live card offers ${choices.length} items to go to`);
  return { conversation, meetingId, items: [choices[1]!, choices[2]!], ...readLive(shown.card) };
}

/** One open meeting per worker on the real bot, set up one after another. */
export async function setUpMeetings(client: TeamsClient, connector: FakeConnector, chair: User, roster: readonly User[], count: number): Promise<MeetingPool> {
  const meetings: BenchMeeting[] = [];
  for (let k = 0; k < count; k++) {
    const conversation: Conversation = { id: `19:bench-meeting-${k + 1}@thread.v2`, type: 'groupChat', name: `Regionala rådet ${k + 1}` };
    meetings.push(await openMeeting(client, connector, conversation, chair, roster));
  }
  return new MeetingPool(meetings);
}

/** Decision texts never sent before in this run, across phases and bots. */
let decisionCount = 0;

/**
 * One timed invoke of the scenario as the chair; resolves with its milliseconds (the untimed
 * undo after a recorded decision is not in them) and throws on anything but the path measured.
 */
export function cardActionTask(
  kind: CardActionKind,
  bot: 'echo' | 'real',
  client: TeamsClient,
  connector: FakeConnector,
  pool: MeetingPool,
  chair: User,
): (i: number) => Promise<number> {
  const real = bot === 'real';
  if (kind === 'nextItem') {
    return () =>
      pool.use(async (m) => {
        const target = m.currentItemId === m.items[0] ? m.items[1] : m.items[0];
        const data = { v: 1, meetingId: m.meetingId, version: m.version, target: 'item', itemId: target };
        const start = performance.now();
        const result = await client.execute(m.conversation, chair, { verb: 'meeting.goTo', data });
        const ms = performance.now() - start;
        if (result.status !== 200 || !result.card) throw new Error(`next item answered ${describe(result)}`);
        if (!real) {
          m.version++;
          m.currentItemId = target;
          return ms;
        }
        let live: ReturnType<typeof readLive> | undefined;
        try {
          live = readLive(result.card);
        } catch {
          // not the live card: an error card
        }
        if (!live || live.version !== m.version + 1 || live.currentItemId !== target) {
          if (live) Object.assign(m, live); // a stale answer still shows the current state
          throw new Error(`next item (version ${data.version}) answered ${describe(result)}`);
        }
        Object.assign(m, live);
        return ms;
      });
  }
  return () =>
    pool.use(async (m) => {
      const dText = `Rådet beslutar enligt förslag ${++decisionCount}.`;
      const start = performance.now();
      const result = await client.execute(m.conversation, chair, { verb: 'decision.record', data: m.recordData }, { dText, dOutcome: 'decided' });
      const ms = performance.now() - start;
      if (result.status !== 200 || !result.card) throw new Error(`record decision answered ${describe(result)}`);
      let decisionId = 'echo-decision';
      let replyToId: string | undefined;
      if (real) {
        // The decision card the outbox sends to the conversation once the invoke is answered (not timed).
        const sent = await connector
          .waitFor((c) => c.kind === 'send' && c.conversationId === m.conversation.id && cardTexts(cardOf(c.body)).includes(dText), 10_000)
          .catch(() => undefined);
        const isLive = walkCard(result.card).some((n) => n.verb === 'decision.record');
        if (!sent || !isLive) throw new Error(`record decision answered ${describe(result)}${sent ? '' : ' (no decision card sent)'}`);
        const card = cardOf(sent.body);
        decisionId = String(card.refresh?.action?.data?.decisionId ?? findAction(card, 'decision.show').data.decisionId);
        replyToId = sent.activityId;
        Object.assign(m, readLive(result.card));
      }
      const undone = await client.execute(m.conversation, chair, { verb: 'decision.undo', data: { v: 1, decisionId } }, {}, { replyToId });
      if (undone.status !== 200 || !undone.card || (real && !cardTexts(undone.card).includes(dText))) {
        throw new Error(`undo after record decision answered ${describe(undone)}`);
      }
      return ms;
    });
}
