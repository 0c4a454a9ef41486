import type { TurnContext } from 'botbuilder';
import { recordingCommits } from '../app/commit-scope.js';
import type { Logger } from '../app/ports.js';
import { StoreUnavailableError } from '../domain/errors.js';

/** Long enough for a restarting server to take connections again, short of Teams' answer timeout. */
export const STORE_RETRY_DELAY_MS = 1_000;
/** A turn that already took longer (a connect that timed out) is answered now: Teams waits about 5 s for an invoke. */
const RETRY_WITHIN_MS = 2_000;

/**
 * Runs a turn, and once more when it failed because the database connection was lost, nothing of
 * the turn had been committed, and the user had not been answered. Then running it again cannot
 * do anything twice, whatever the turn does; it does not rely on each write being idempotent (a
 * new meeting, for one, is not keyed on the message). A lost COMMIT, a turn that had already kept
 * a write or answered, or one that took too long, is not run again: the adapter then asks the
 * user to try again, or to check first when part of the turn may have been kept.
 */
export async function runWithStoreRetry(
  context: TurnContext,
  run: (context: TurnContext) => Promise<unknown>,
  deps: { logger: Logger; delayMs?: number },
): Promise<void> {
  let answered = false;
  const mark = async <T>(_ctx: TurnContext, _x: unknown, next: () => Promise<T>): Promise<T> => {
    answered = true;
    return next();
  };
  context.onSendActivities(mark);
  context.onUpdateActivity(mark);
  context.onDeleteActivity(mark);
  const started = Date.now();
  await recordingCommits(async (committed) => {
    try {
      try {
        await run(context);
      } catch (err) {
        const again = err instanceof StoreUnavailableError && err.outcome === 'not-committed' && !committed() && !answered && Date.now() - started <= RETRY_WITHIN_MS;
        if (!again) throw err;
        deps.logger.warn(
          { reason: (err.cause as Error | undefined)?.message, activityType: context.activity.type, conversation: context.activity.conversation?.id },
          'database connection lost before commit; running the turn once more',
        );
        await new Promise((resolve) => setTimeout(resolve, deps.delayMs ?? STORE_RETRY_DELAY_MS));
        await run(context);
      }
    } catch (err) {
      // The write that failed kept nothing, but an earlier one of this turn (such as the decision
      // whose card could then not be posted) was kept: what was saved is not known as a whole.
      if (err instanceof StoreUnavailableError && err.outcome === 'not-committed' && committed()) {
        throw new StoreUnavailableError('unknown', { cause: err.cause });
      }
      throw err;
    }
  });
}
