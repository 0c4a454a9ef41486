import type { Logger, Store } from '../app/ports.js';
import { describeCause, isConnectionLoss } from './connection-loss.js';
import { type StoreOptions, openStore } from './database.js';

const FIRST_DELAY_MS = 250;
/** A bot waiting for its database starts within this long of the database coming up. */
const MAX_DELAY_MS = 5_000;

export interface StartupWait {
  /** How long to keep trying to reach the database before giving up. */
  maxWaitMs: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Opens and migrates the store, waiting with backoff while the database cannot be reached (the
 * bot started before PostgreSQL, a server still starting up). Any other failure, such as a
 * migration that does not apply, ends the wait at once: trying again would fail the same way.
 */
export async function openStoreWhenReachable(options: StoreOptions, wait: StartupWait): Promise<Store> {
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStore(options, wait.logger);
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      const waited = Date.now() - started;
      if (waited + delay > wait.maxWaitMs) {
        throw new Error(`database not reachable after ${attempt} attempts over ${Math.round(waited / 1000)} s: ${describeCause(err)}`, { cause: err });
      }
      wait.logger.warn({ attempt, reason: describeCause(err), retryInMs: delay }, 'database not reachable yet; trying again');
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
