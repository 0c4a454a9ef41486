import type { Clock, CouncilRepository, OutboxJob, OutboxRepository, StateRepository } from './ports.js';
import { StateConflictError } from './ports.js';

export interface GraphCredentialsDeps {
  councils: CouncilRepository;
  outbox: OutboxRepository;
  state: StateRepository;
  clock: Clock;
}

/**
 * The current episode of refused credentials, shared by every instance through the store: each
 * instance finds out for itself, but the councils are told once per episode, and a restart
 * during one does not tell them again.
 */
const EPISODE_KEY = 'council-assistant/graph-credentials';
/** An etag no row has: the write succeeds only if there is no episode row yet. */
const NO_ROW = 'none';

interface Episode {
  since: string;
  resumedAt?: string;
}

async function readEpisode(deps: GraphCredentialsDeps): Promise<{ episode?: Episode; etag?: string }> {
  const stored = (await deps.state.read([EPISODE_KEY])).get(EPISODE_KEY);
  return { episode: stored?.data as Episode | undefined, etag: stored?.etag };
}

/** The episode's start: the one still open, or one opened now; two instances opening at once agree on one. */
async function openEpisode(deps: GraphCredentialsDeps, seenAt: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { episode, etag } = await readEpisode(deps);
    if (episode && !episode.resumedAt) return episode.since;
    try {
      await deps.state.write([{ key: EPISODE_KEY, data: { since: seenAt } satisfies Episode, expectedEtag: etag ?? NO_ROW }], deps.clock.now().toISOString());
      return seenAt;
    } catch (err) {
      if (!(err instanceof StateConflictError)) throw err;
    }
  }
  return seenAt;
}

/** The chair of a council is told that Graph work waits for the administrator; once per council and episode. */
export function credentialsNoticeJob(councilId: string, since: string, now: string): OutboxJob {
  return { key: `graph-credentials:${councilId}:${since}`, kind: 'graphCredentials', payload: { councilId, since }, dueAt: now };
}

/** This instance found Graph refusing the app's credentials: every council using Graph hears of it, once per episode. */
export async function credentialsRefused(deps: GraphCredentialsDeps, seenAt: string): Promise<string> {
  const since = await openEpisode(deps, seenAt);
  const now = deps.clock.now().toISOString();
  const councils = await deps.councils.withGraph();
  await deps.outbox.enqueue(
    councils.map((c) => credentialsNoticeJob(c.id, since, now)),
    now,
  );
  return since;
}

/**
 * Whether the episode that began at `since` is still going on, by the store's record rather than
 * this instance's view: the instance delivering the word may not have asked Graph for a while.
 */
export async function stillRefused(deps: GraphCredentialsDeps, since: string): Promise<boolean> {
  const { episode } = await readEpisode(deps);
  return episode?.since === since && !episode.resumedAt;
}

/** The credentials work again: the episode is over, and the next refusal is a new one that is told again. */
export async function credentialsAccepted(deps: GraphCredentialsDeps): Promise<void> {
  const { episode, etag } = await readEpisode(deps);
  if (!episode || episode.resumedAt || !etag) return;
  const at = deps.clock.now().toISOString();
  try {
    await deps.state.write([{ key: EPISODE_KEY, data: { since: episode.since, resumedAt: at } satisfies Episode, expectedEtag: etag }], at);
  } catch (err) {
    // Another instance closed it, or opened the next one, meanwhile: either way it is not this one's to close.
    if (!(err instanceof StateConflictError)) throw err;
  }
}
