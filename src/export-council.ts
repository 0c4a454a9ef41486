/**
 * The admin's export of one council's data as JSON, from the same settings the bot runs with:
 *
 *   npm run export-council -- <council id or its conversation id> [--out file.json]
 *
 * Reads DATABASE_URL (PostgreSQL) or the SQLite file under DATA_DIR; changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { runAdminCommand } from './admin-command.js';
import { loadConfig } from './config.js';
import { exportCouncil } from './store/council-export.js';
import { openDatabase } from './store/database.js';

async function run(argv: string[]): Promise<number> {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  const id = argv.find((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  if (!id || (outAt >= 0 && !out)) {
    process.stderr.write('usage: export-council <council id or conversation id> [--out file.json]\n');
    return 2;
  }
  const config = loadConfig();
  const { db } = openDatabase(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.sqlitePath });
  try {
    const byConversation = await db.selectFrom('councils').select('id').where('conversation_id', '=', id).executeTakeFirst();
    const exported = await exportCouncil(db, byConversation?.id ?? id, new Date().toISOString());
    if (!exported) {
      process.stderr.write(`no council with id or conversation id ${id}\n`);
      return 1;
    }
    const text = `${JSON.stringify(exported, null, 2)}\n`;
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    await db.destroy();
  }
}

runAdminCommand(run);
