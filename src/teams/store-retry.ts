import type { TurnContext } from 'botbuilder';
import type { Logger } from '../app/ports.js';
import { StoreUnavailableError } from '../domain/errors.js';

/** Long enough for a restarting server to take connections again, short of Teams' answer timeout. */
export const STORE_RETRY_DELAY_MS = 1_000;

/**
 * Runs a turn, and once more when it failed because the database connection was lost before
 * anything was committed and before the user was answered. That is safe: nothing of the failed
 * transaction was kept, and what the turn committed before it (the conversation reference, a
 * card action's record keyed on its activity id) is written idempotently, as Teams' own
 * redelivery already requires. A lost COMMIT, or a turn that had already answered, is not run
 * again; the error goes on to the adapter, which asks the user to try again.
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
  try {
    await run(context);
  } catch (err) {
    if (!(err instanceof StoreUnavailableError) || err.outcome !== 'not-committed' || answered) throw err;
    deps.logger.warn(
      { reason: (err.cause as Error | undefined)?.message, activityType: context.activity.type, conversation: context.activity.conversation?.id },
      'database connection lost before commit; running the turn once more',
    );
    await new Promise((resolve) => setTimeout(resolve, deps.delayMs ?? STORE_RETRY_DELAY_MS));
    await run(context);
  }
}
