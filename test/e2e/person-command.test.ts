import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createStore, migrate, openDatabase } from '../../src/store/database.js';
import { projectRoot } from '../support/bot-process.js';
import { seedCouncil } from '../support/person-seed.js';
import { createDatabase } from '../support/postgres.js';

type Run = { code: number; stdout: string; stderr: string };

const backends: { name: string; env: (dataDir: string) => Promise<Record<string, string>> }[] = [
  { name: 'sqlite', env: async (dataDir: string) => ({ DATA_DIR: dataDir }) },
  { name: 'postgres', env: async (dataDir: string) => ({ DATA_DIR: dataDir, DATABASE_URL: await createDatabase(inject('postgresUrl'), `person_cli_${randomUUID().slice(0, 8)}`) }) },
];

describe.each(backends)('npm run person on $name', ({ env: envFor }) => {
  it('exports a person, refuses an unknown id and a chair without changing anything, and erases, keeping approved minutes as signed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'council-person-cli-'));
    const env = await envFor(dataDir);
    const { db, dialect } = openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { sqlitePath: join(dataDir, 'council-assistant.sqlite') });
    await migrate(db);
    const store = createStore(db, dialect);
    try {
      await seedCouncil(store, db);
      // The first meeting's minutes are approved before the erasure.
      await store.justering.setAdjusters('m1', ['29:anna'], '2026-10-09T09:00:00.000Z');
      expect(await store.justering.approve('m1', '29:anna', 1, '2026-10-10T09:00:00.000Z', [])).toBe('approved');

      const run = (...args: string[]) =>
        new Promise<Run>((resolveRun) =>
          execFile(process.execPath, [join(projectRoot, 'dist', 'src', 'person-cli.js'), ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
            resolveRun({ code: error ? Number(error.code) : 0, stdout, stderr }),
          ),
        );

      expect(await run()).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: person export') });
      expect(await run('forget', '29:bjorn')).toMatchObject({ code: 2 });

      const exported = await run('export', 'aad-bjorn');
      expect(exported.code).toBe(0);
      const data = JSON.parse(exported.stdout);
      expect(data.person.userIds).toEqual(['29:bjorn']);
      expect(data.tables.council_members[0].email).toBe('bjorn@region.se');
      expect(exported.stdout).not.toContain('Anna Ek');

      const rows = async () => JSON.stringify(await db.selectFrom('council_members').selectAll().orderBy('user_id').execute());
      const before = await rows();
      expect(await run('erase', '29:nobody')).toEqual({
        code: 1,
        stdout: '',
        stderr: 'no person with Teams user id or Entra object id 29:nobody in the store; nothing was changed\n',
      });
      const chair = await run('erase', 'aad-chair');
      expect(chair).toMatchObject({ code: 1, stdout: '' });
      expect(chair.stderr).toMatch(/^aad-chair is the chair of "Vårdvalsråd" \([0-9a-f-]{36}\); erasure refused until the council has another chair/);
      expect(chair.stderr).toContain('Nothing was changed.');
      expect(await rows()).toBe(before);

      const erased = await run('erase', 'aad-bjorn');
      expect(erased).toMatchObject({ code: 0, stderr: '' });
      const lines = erased.stdout.split('\n');
      expect(lines[0]).toMatch(/^aad-bjorn erased: ids replaced by the pseudonym erased:[0-9a-f-]{36}, the name by "Borttagen person" \/ "Removed person"/);
      expect(erased.stdout).toContain('approved minutes are a public record (allmän handling) and were left as they were signed: this meeting keeps');
      expect(erased.stdout).toContain('  2026-10-01  Vårdvalsråd  (m1)');
      // Rows, each counted once however many of its columns named him.
      expect(lines[1]).toBe(
        'rows changed: council_members 1, regrets 1, action_items 2, attendance 2, item_notes 1, reservations 2, action_comments 1, poll_ballots 1, nominations 2, agenda_items 1, conversations 1, bot_state 1',
      );
      expect(lines[2]).toBe('rows deleted: minutes_comments 1, reminder_opt_outs 1, conversations 1, bot_state 2, outbox 2');
      expect((await db.selectFrom('signed_names').select(['meeting_id', 'name']).execute())).toEqual([{ meeting_id: 'm1', name: 'Björn Berg' }]);
      expect(await run('export', '29:bjorn')).toMatchObject({ code: 1, stderr: expect.stringContaining('no person with Teams user id or Entra object id 29:bjorn') });
    } finally {
      await store.close();
    }
  });
});
