import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The keyed hash for anonymous ballots. The key comes from the environment, or on a single
 * machine from a file made once beside (not inside) the database, readable only by the bot.
 */
export function anonymousVoterKeyFunction(configured: string | undefined, dataDir: string): (pollId: string, userId: string) => string {
  const key = configured ?? localKey(join(dataDir, 'anonymous-vote.key'));
  return (pollId, userId) => createHmac('sha256', key).update(`${pollId}\u0000${userId}`).digest('base64url');
}

export function localKey(path: string): string {
  if (!existsSync(path)) {
    // With the key and the database together, anyone could hash each member's id and find
    // their ballot in an open poll: the folder and the key are the bot user's alone.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}
