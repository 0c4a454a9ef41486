/**
 * The admin's answer to one person's request under the GDPR, from the same settings the bot runs with:
 *
 *   npm run person -- export <id> [--out file.json]   everything stored that names the person (art. 15)
 *   npm run person -- erase <id>                       erases or pseudonymises it (art. 17)
 *
 * <id> is the person's Teams user id ("29:…") or their Entra object id. Reads DATABASE_URL
 * (PostgreSQL) or the SQLite file under DATA_DIR. An erasure is one transaction; it is refused,
 * changing nothing, for an id the store does not know and for a person who chairs a council.
 */
import { writeFileSync } from 'node:fs';
import { runAdminCommand } from './admin-command.js';
import { loadConfig } from './config.js';
import { LOCALES, type Locale } from './domain/council.js';
import { t } from './i18n/index.js';
import { openDatabase } from './store/database.js';
import { type EraseOutcome, erasePerson, exportPerson } from './store/person-data.js';

const USAGE = 'usage: person export <Teams user id or Entra object id> [--out file.json] | person erase <Teams user id or Entra object id>\n';

function removedName(locale: string): string {
  return t((LOCALES as readonly string[]).includes(locale) ? (locale as Locale) : 'sv', 'council.erasedPerson');
}

async function run(argv: string[]): Promise<number> {
  const [command, id, ...rest] = argv;
  const out = command === 'export' && rest[0] === '--out' && rest.length === 2 ? rest[1] : undefined;
  if (!id || id.startsWith('--') || !(command === 'export' || command === 'erase') || (rest.length > 0 && !out)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const { db } = openDatabase(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.sqlitePath });
  try {
    const now = new Date().toISOString();
    if (command === 'export') {
      const exported = await exportPerson(db, id, now);
      if (!exported) return unknown(id);
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (out) writeFileSync(out, text, { mode: 0o600 });
      else process.stdout.write(text);
      return 0;
    }
    const erased = await erasePerson(db, id, { at: now, removedName });
    return report(id, erased);
  } finally {
    await db.destroy();
  }
}

function unknown(id: string): number {
  process.stderr.write(`no person with Teams user id or Entra object id ${id} in the store; nothing was changed\n`);
  return 1;
}

function report(id: string, erased: EraseOutcome): number {
  if (erased.outcome === 'unknown') return unknown(id);
  if (erased.outcome === 'chair') {
    const councils = erased.councils.map((c) => `"${c.name}" (${c.id})`).join(', ');
    process.stderr.write(
      `${id} is the chair of ${councils}; erasure refused until the council has another chair (the chair gives the role with "roller" in the council's chat). Nothing was changed.\n`,
    );
    return 1;
  }
  const list = (counts: Record<string, number>) =>
    Object.keys(counts).length === 0 ? 'none' : Object.entries(counts).map(([table, n]) => `${table} ${n}`).join(', ');
  const lines = [
    `${id} erased: ids replaced by the pseudonym ${erased.pseudonym}, the name by "${removedName('sv')}" / "${removedName('en')}" (in the council's language)`,
    `rows changed: ${list(erased.changed)}`,
    `rows deleted: ${list(erased.deleted)}`,
  ];
  if (erased.signedMeetings.length > 0) {
    lines.push(
      `approved minutes are a public record (allmän handling) and were left as they were signed: ${erased.signedMeetings.length === 1 ? 'this meeting keeps' : 'these meetings keep'} the person's name in its minutes:`,
      ...erased.signedMeetings.map((m) => `  ${m.startsAt.slice(0, 10)}  ${m.title}  (${m.id})`),
    );
  } else {
    lines.push('no approved minutes named the person');
  }
  lines.push(
    'not in this store, and unchanged: minutes files already exported to SharePoint, messages and cards already posted in Teams, and the logs',
    "a person still in a council's Teams conversation is taken up again as a new member when the roster is next read: remove them there too",
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

runAdminCommand(run);
