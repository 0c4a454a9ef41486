import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether anything was committed to the store during a piece of work (a turn, over all its
 * attempts). A turn that fails on a lost connection may have kept an earlier write: then the user
 * must not be told that nothing was saved.
 */
const scope = new AsyncLocalStorage<{ committed: boolean }>();

export async function recordingCommits<T>(work: (committed: () => boolean) => Promise<T>): Promise<T> {
  const state = { committed: false };
  return scope.run(state, () => work(() => state.committed));
}

/** Called by the store when a transaction or a write on its own was committed. */
export function noteCommit(): void {
  const state = scope.getStore();
  if (state) state.committed = true;
}
