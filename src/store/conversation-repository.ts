import type { Kysely } from 'kysely';
import type { ConversationRecord, ConversationRepository } from '../app/ports.js';
import type { Database } from './schema.js';

export class KyselyConversationRepository implements ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async save(record: ConversationRecord, at: string): Promise<void> {
    const row = {
      conversation_id: record.conversationId,
      tenant_id: record.tenantId,
      kind: record.kind,
      reference: record.reference,
      updated_at: at,
    };
    await this.db
      .insertInto('conversations')
      .values(row)
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet({ reference: row.reference, tenant_id: row.tenant_id, kind: row.kind, updated_at: at }),
      )
      .execute();
  }

  async find(conversationId: string): Promise<ConversationRecord | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      conversationId: row.conversation_id,
      tenantId: row.tenant_id,
      kind: row.kind as ConversationRecord['kind'],
      reference: row.reference,
    };
  }
}
