/**
 * The admin's look at outbox jobs the bot has set aside (parked) after they failed for good,
 * from the same settings the bot runs with:
 *
 *   npm run outbox -- parked        lists them: id, kind, attempts, when, key and last error
 *   npm run outbox -- retry <id>    puts one back in the queue, due now, attempts from zero
 *   npm run outbox -- drop <id>     gives up on one (marked done without being delivered)
 *
 * Reads DATABASE_URL (PostgreSQL) or the SQLite file under DATA_DIR. A running bot picks a
 * retried job up on its next pass; nothing needs restarting.
 */
import { runAdminCommand } from './admin-command.js';
import { loadConfig } from './config.js';
import { openDatabase } from './store/database.js';
import { KyselyOutboxRepository } from './store/outbox-repository.js';

const USAGE = 'usage: outbox parked | outbox retry <job id> | outbox drop <job id>\n';

async function run(argv: string[]): Promise<number> {
  const [command, id, ...rest] = argv;
  const needsId = command === 'retry' || command === 'drop';
  if (!(command === 'parked' || needsId) || (needsId ? !id || rest.length > 0 : id !== undefined)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const { db, dialect } = openDatabase(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.sqlitePath });
  const outbox = new KyselyOutboxRepository(db, dialect);
  try {
    if (command === 'parked') {
      const jobs = await outbox.parked();
      if (jobs.length === 0) {
        process.stdout.write('no parked jobs\n');
        return 0;
      }
      for (const job of jobs) {
        process.stdout.write(`${job.id}  ${job.kind}  attempts ${job.attempts}  parked ${job.parkedAt}\n  key: ${job.key}\n  last error: ${job.lastError ?? '-'}\n`);
      }
      process.stdout.write(`${jobs.length} parked job${jobs.length === 1 ? '' : 's'}\n`);
      return 0;
    }
    const now = new Date().toISOString();
    const done = command === 'retry' ? await outbox.unpark(id!, now) : await outbox.drop(id!, now);
    if (!done) {
      process.stderr.write(`no parked job with id ${id}\n`);
      return 1;
    }
    process.stdout.write(command === 'retry' ? `job ${id} queued again\n` : `job ${id} dropped\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

runAdminCommand(run);
