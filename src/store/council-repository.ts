import type { Kysely, Selectable, Transaction } from 'kysely';
import { decodeQuorumRule, encodeQuorumRule, type QuorumRule } from '../domain/attendance.js';
import { decodeReminderPolicy, encodeReminderPolicy, type ReminderPolicy } from '../domain/reminders.js';
import { type CouncilCalendar, decodeCalendar, encodeCalendar } from '../domain/calendar.js';
import type { CouncilRepository, NewCouncil } from '../app/ports.js';
import { type Council, type CouncilMember, type Locale, REACH_PURPOSES, type ReachPurpose, type Role } from '../domain/council.js';
import type { CouncilMembersTable, CouncilsTable, Database } from './schema.js';

function toCouncil(row: Selectable<CouncilsTable>): Council {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    tenantId: row.tenant_id,
    name: row.name,
    locale: row.locale as Locale,
    timeZone: row.time_zone,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
    quorumRule: decodeQuorumRule(row.quorum_rule),
    membersCreatePolls: Number(row.members_create_polls) === 1,
    reminderPolicy: decodeReminderPolicy(row.reminder_policy),
    calendar: decodeCalendar(row.calendar_mailbox, row.calendar_category, row.calendar_subject_rule, row.calendar_horizon_weeks ?? null),
    minutesLibrary: row.minutes_library ?? null,
    unreachableSince: row.unreachable_since ?? null,
  };
}

function toMember(row: CouncilMembersTable): CouncilMember {
  return {
    councilId: row.council_id,
    userId: row.user_id,
    aadObjectId: row.aad_object_id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    organisation: row.organisation,
    addedAt: row.added_at,
    unreached: row.unreached_since ? { since: row.unreached_since, for: purposes(row.unreached_for) } : null,
  };
}

function purposes(text: string | null | undefined): ReachPurpose[] {
  const listed = new Set((text ?? '').split(','));
  return REACH_PURPOSES.filter((p) => listed.has(p));
}

function memberRow(m: CouncilMember): CouncilMembersTable {
  return {
    council_id: m.councilId,
    user_id: m.userId,
    aad_object_id: m.aadObjectId,
    name: m.name,
    email: m.email,
    role: m.role,
    organisation: m.organisation,
    added_at: m.addedAt,
  };
}

const roleOrder = { chair: 0, secretary: 1, member: 2, guest: 3 } as const;

function byRoleAndName(a: CouncilMember, b: CouncilMember): number {
  return roleOrder[a.role] - roleOrder[b.role] || a.name.localeCompare(b.name, 'sv');
}

export class KyselyCouncilRepository implements CouncilRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByConversation(conversationId: string): Promise<Council | undefined> {
    const row = await this.db.selectFrom('councils').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
    return row && toCouncil(row);
  }

  async findById(id: string): Promise<Council | undefined> {
    const row = await this.db.selectFrom('councils').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCouncil(row);
  }

  async create(council: NewCouncil, members: readonly Omit<CouncilMember, 'councilId'>[]): Promise<Council | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('councils')
        .values({
          id: council.id,
          conversation_id: council.conversationId,
          tenant_id: council.tenantId,
          name: council.name,
          locale: council.locale,
          time_zone: council.timeZone,
          created_by: council.createdBy,
          created_at: council.createdAt,
          updated_at: council.createdAt,
          version: 1,
        })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
      if (members.length > 0) {
        await trx
          .insertInto('council_members')
          .values(members.map((m) => memberRow({ ...m, councilId: council.id })))
          .execute();
      }
      const row = await trx.selectFrom('councils').selectAll().where('id', '=', council.id).executeTakeFirstOrThrow();
      return toCouncil(row);
    });
  }

  async councilsOf(userId: string): Promise<Council[]> {
    const rows = await this.db
      .selectFrom('councils')
      .innerJoin('council_members', 'council_members.council_id', 'councils.id')
      .selectAll('councils')
      .where('council_members.user_id', '=', userId)
      .where('council_members.left_at', 'is', null)
      .orderBy('councils.name')
      .execute();
    return rows.map(toCouncil);
  }

  async members(councilId: string): Promise<CouncilMember[]> {
    const rows = await this.db.selectFrom('council_members').selectAll().where('council_id', '=', councilId).where('left_at', 'is', null).execute();
    return rows.map(toMember).sort(byRoleAndName);
  }

  async membersAt(councilId: string, at: string): Promise<CouncilMember[]> {
    const rows = await this.db
      .selectFrom('council_members')
      .selectAll()
      .where('council_id', '=', councilId)
      .where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>', at)]))
      .execute();
    return rows.map(toMember).sort(byRoleAndName);
  }

  async member(councilId: string, userId: string): Promise<CouncilMember | undefined> {
    const row = await this.db
      .selectFrom('council_members')
      .selectAll()
      .where('council_id', '=', councilId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .executeTakeFirst();
    return row && toMember(row);
  }

  async markLeft(councilId: string, userIds: readonly string[], successor: string | undefined, expectedVersion: number, at: string): Promise<boolean> {
    if (userIds.length === 0) return true;
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('council_members').set({ left_at: at }).where('council_id', '=', councilId).where('user_id', 'in', [...userIds]).execute();
      if (successor) await trx.updateTable('council_members').set({ role: 'chair' }).where('council_id', '=', councilId).where('user_id', '=', successor).execute();
      return true;
    });
  }

  async markUnreached(councilId: string, userId: string, purpose: ReachPurpose, at: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('council_members')
        .select(['unreached_since', 'unreached_for'])
        .where('council_id', '=', councilId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return;
      const now = purposes(row.unreached_for);
      const next = REACH_PURPOSES.filter((p) => p === purpose || now.includes(p));
      await trx
        .updateTable('council_members')
        .set({ unreached_since: row.unreached_since ?? at, unreached_for: next.join(',') })
        .where('council_id', '=', councilId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  async markReached(userId: string): Promise<void> {
    await this.db
      .updateTable('council_members')
      .set({ unreached_since: null, unreached_for: null })
      .where('user_id', '=', userId)
      .where('unreached_since', 'is not', null)
      .execute();
  }

  async setUnreachable(conversationId: string, since: string | null): Promise<Council | undefined> {
    // The first moment it was found gone is kept: a second notice (several failed sends) does not move it.
    const query = this.db.updateTable('councils').set({ unreachable_since: since }).where('conversation_id', '=', conversationId);
    await (since === null ? query : query.where('unreachable_since', 'is', null)).execute();
    return this.findByConversation(conversationId);
  }

  async setRole(councilId: string, userId: string, role: Role, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      const r = await trx
        .updateTable('council_members')
        .set({ role })
        .where('council_id', '=', councilId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
  }

  async addMember(member: CouncilMember, expectedVersion: number): Promise<boolean> {
    return this.versioned(member.councilId, expectedVersion, member.addedAt, async (trx) => {
      const r = await trx
        .insertInto('council_members')
        .values(memberRow(member))
        .onConflict((oc) => oc.columns(['council_id', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
  }

  async removeMember(councilId: string, userId: string, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      const r = await trx
        .deleteFrom('council_members')
        .where('council_id', '=', councilId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    });
  }

  async addMissingMembers(councilId: string, members: readonly CouncilMember[]): Promise<number> {
    if (members.length === 0) return 0;
    const r = await this.db
      .insertInto('council_members')
      .values(members.map(memberRow))
      // Someone who left and came back is a member again, with the role they had.
      .onConflict((oc) =>
        oc
          .columns(['council_id', 'user_id'])
          .doUpdateSet({ left_at: null })
          .where('council_members.left_at', 'is not', null),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n);
  }

  async updateSettings(
    councilId: string,
    settings: { name: string; locale: Locale; timeZone: string },
    expectedVersion: number,
    at: string,
  ): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx
        .updateTable('councils')
        .set({ name: settings.name, locale: settings.locale, time_zone: settings.timeZone })
        .where('id', '=', councilId)
        .execute();
      return true;
    });
  }

  async setMembersCreatePolls(councilId: string, allowed: boolean, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('councils').set({ members_create_polls: allowed ? 1 : 0 }).where('id', '=', councilId).execute();
      return true;
    });
  }

  async setReminderPolicy(councilId: string, policy: ReminderPolicy, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('councils').set({ reminder_policy: encodeReminderPolicy(policy) }).where('id', '=', councilId).execute();
      return true;
    });
  }

  async setCalendar(councilId: string, calendar: CouncilCalendar | null, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('councils').set(encodeCalendar(calendar)).where('id', '=', councilId).execute();
      return true;
    });
  }

  async setMinutesLibrary(councilId: string, url: string | null, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('councils').set({ minutes_library: url }).where('id', '=', councilId).execute();
      return true;
    });
  }

  async withCalendar(): Promise<Council[]> {
    const rows = await this.db.selectFrom('councils').selectAll().where('calendar_mailbox', 'is not', null).orderBy('id').execute();
    return rows.map(toCouncil);
  }

  async withGraph(): Promise<Council[]> {
    const rows = await this.db
      .selectFrom('councils')
      .selectAll()
      .where((eb) => eb.or([eb('calendar_mailbox', 'is not', null), eb('minutes_library', 'is not', null)]))
      .orderBy('id')
      .execute();
    return rows.map(toCouncil);
  }

  async setRemindersOff(councilId: string, userId: string, off: boolean, at: string): Promise<void> {
    if (off) {
      await this.db.insertInto('reminder_opt_outs').values({ council_id: councilId, user_id: userId, created_at: at }).onConflict((oc) => oc.doNothing()).execute();
    } else {
      await this.db.deleteFrom('reminder_opt_outs').where('council_id', '=', councilId).where('user_id', '=', userId).execute();
    }
  }

  async remindersOff(councilId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('reminder_opt_outs').select('user_id').where('council_id', '=', councilId).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  async setQuorumRule(councilId: string, rule: QuorumRule, expectedVersion: number, at: string): Promise<boolean> {
    return this.versioned(councilId, expectedVersion, at, async (trx) => {
      await trx.updateTable('councils').set({ quorum_rule: encodeQuorumRule(rule) }).where('id', '=', councilId).execute();
      return true;
    });
  }

  /**
   * Bumps the council's version only if it is still the one the caller saw, then applies the
   * change in the same transaction; a change that does not apply rolls the bump back.
   */
  private async versioned(
    councilId: string,
    expectedVersion: number,
    at: string,
    change: (trx: Transaction<Database>) => Promise<boolean>,
  ): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const bumped = await trx
          .updateTable('councils')
          .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
          .where('id', '=', councilId)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (Number(bumped.numUpdatedRows) !== 1) return false;
        if (!(await change(trx))) throw new NotApplied();
        return true;
      });
    } catch (err) {
      if (err instanceof NotApplied) return false;
      throw err;
    }
  }
}

class NotApplied extends Error {}
