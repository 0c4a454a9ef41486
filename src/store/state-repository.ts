import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StateConflictError, type StateRepository, type StoredState } from '../app/ports.js';
import type { Database } from './schema.js';

export class KyselyStateRepository implements StateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async read(keys: readonly string[]): Promise<Map<string, StoredState>> {
    const result = new Map<string, StoredState>();
    if (keys.length === 0) return result;
    const rows = await this.db
      .selectFrom('bot_state')
      .select(['key', 'data', 'etag'])
      .where('key', 'in', [...keys])
      .execute();
    for (const row of rows) result.set(row.key, { data: JSON.parse(row.data), etag: row.etag });
    return result;
  }

  async write(entries: readonly { key: string; data: unknown; expectedEtag?: string }[], at: string): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const entry of entries) {
        const data = JSON.stringify(entry.data);
        const etag = randomUUID();
        if (entry.expectedEtag === undefined || entry.expectedEtag === '*') {
          await trx
            .insertInto('bot_state')
            .values({ key: entry.key, data, etag, updated_at: at })
            .onConflict((oc) => oc.column('key').doUpdateSet({ data, etag, updated_at: at }))
            .execute();
          continue;
        }
        const updated = await trx
          .updateTable('bot_state')
          .set({ data, etag, updated_at: at })
          .where('key', '=', entry.key)
          .where('etag', '=', entry.expectedEtag)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 1) continue;
        // The etag named a version we no longer have; a row that never existed is a fresh insert.
        const inserted = await trx
          .insertInto('bot_state')
          .values({ key: entry.key, data, etag, updated_at: at })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new StateConflictError(entry.key);
      }
    });
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('bot_state').where('key', 'in', [...keys]).execute();
  }
}
