import { type Kysely, SqliteAdapter, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Migrations live in code (not files) so the compiled bot carries them and both dialects
 * run exactly the same list. Never edit a migration that has shipped: add a new one.
 */
const migrations: Record<string, Migration> = {
  '0001_councils': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('councils')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(512)', (c) => c.notNull().unique())
        .addColumn('tenant_id', 'varchar(64)')
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('locale', 'varchar(8)', (c) => c.notNull())
        .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('council_members')
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('aad_object_id', 'varchar(64)')
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('email', 'varchar(320)')
        .addColumn('role', 'varchar(16)', (c) => c.notNull())
        .addColumn('organisation', 'varchar(200)')
        .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('council_members_pk', ['council_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('conversations')
        .addColumn('conversation_id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(64)')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('bot_state')
        .addColumn('key', 'varchar(1024)', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('etag', 'varchar(64)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['bot_state', 'conversations', 'council_members', 'councils']) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  '0002_meetings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('meetings')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('place', 'varchar(300)')
        .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('online_url', 'varchar(2048)')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('external_event_id', 'varchar(512)')
        .addColumn('agenda_card_activity_id', 'varchar(256)')
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('meetings_council_start').on('meetings').columns(['council_id', 'starts_at']).execute();
      await db.schema
        .createIndex('meetings_external_event')
        .on('meetings')
        .columns(['council_id', 'external_event_id'])
        .unique()
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('meetings').execute();
    },
  },
  '0003_agenda_and_regrets': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agenda_items')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('duration_minutes', 'integer')
        .addColumn('fixed_start', 'varchar(5)')
        .addColumn('presenters', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('links', 'text', (c) => c.notNull())
        .addColumn('standing', 'varchar(32)')
        .execute();
      await db.schema.createIndex('agenda_items_meeting').on('agenda_items').columns(['meeting_id', 'position']).execute();
      await db.schema
        .createTable('regrets')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('note', 'varchar(500)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('regrets_pk', ['meeting_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('regrets').execute();
      await db.schema.dropTable('agenda_items').execute();
    },
  },
  '0004_decisions_actions_attendance': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('meetings').addColumn('current_item_id', 'varchar(64)').execute();
      await db.schema.alterTable('meetings').addColumn('opened_at', 'varchar(32)').execute();
      await db.schema.alterTable('meetings').addColumn('closed_at', 'varchar(32)').execute();
      // No foreign key to agenda_items: saving an agenda rewrites its rows, and a decision must
      // outlive that; it keeps the item's number and title as they were when it was made.
      await db.schema
        .createTable('decisions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('agenda_item_id', 'varchar(64)')
        .addColumn('item_number', 'varchar(16)')
        .addColumn('item_title', 'varchar(200)')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('vote_for', 'integer')
        .addColumn('vote_against', 'integer')
        .addColumn('vote_abstain', 'integer')
        .addColumn('recorded_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('decisions_meeting').on('decisions').columns(['meeting_id', 'recorded_at']).execute();
      await db.schema
        .createTable('action_items')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('meeting_id', 'varchar(64)')
        .addColumn('agenda_item_id', 'varchar(64)')
        .addColumn('owner_user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('owner_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('due_date', 'varchar(10)')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('completed_at', 'varchar(32)')
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('action_items_council_status').on('action_items').columns(['council_id', 'status', 'due_date']).execute();
      await db.schema
        .createTable('attendance')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('marked_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('marked_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('attendance_pk', ['meeting_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['attendance', 'action_items', 'decisions']) await db.schema.dropTable(t).execute();
      for (const c of ['closed_at', 'opened_at', 'current_item_id']) await db.schema.alterTable('meetings').dropColumn(c).execute();
    },
  },
  '0005_item_times': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('item_times')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('item_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('ended_at', 'varchar(32)')
        .addPrimaryKeyConstraint('item_times_pk', ['meeting_id', 'item_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('item_times').execute();
    },
  },
  '0006_agenda_carried_from': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('agenda_items').addColumn('carried_from', 'varchar(64)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('agenda_items').dropColumn('carried_from').execute();
    },
  },
  '0007_item_notes': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('item_notes')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('item_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('written_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('written_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('item_notes_meeting').on('item_notes').columns(['meeting_id', 'written_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('item_notes').execute();
    },
  },
  '0008_participation': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('councils').addColumn('quorum_rule', 'varchar(16)', (c) => c.notNull().defaultTo('majority')).execute();
      await db.schema
        .createTable('reservations')
        .addColumn('decision_id', 'varchar(64)', (c) => c.notNull().references('decisions.id').onDelete('cascade'))
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('reservations_pk', ['decision_id', 'user_id'])
        .execute();
      await db.schema.createIndex('reservations_meeting').on('reservations').column('meeting_id').execute();
      // A protocol note outlives an undone decision: it keeps the item, and the decision id only as a pointer.
      await db.schema
        .createTable('protocol_notes')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('item_id', 'varchar(64)')
        .addColumn('decision_id', 'varchar(64)')
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('protocol_notes_meeting').on('protocol_notes').columns(['meeting_id', 'created_at']).execute();
      await db.schema
        .createTable('action_comments')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('action_item_id', 'varchar(64)', (c) => c.notNull().references('action_items.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .execute();
      await db.schema.createIndex('action_comments_item').on('action_comments').columns(['action_item_id', 'created_at']).execute();
      await db.schema
        .createTable('meeting_guests')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('organisation', 'varchar(200)')
        .addColumn('added_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('meeting_guests_meeting').on('meeting_guests').column('meeting_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('meeting_guests').execute();
      await db.schema.dropTable('action_comments').execute();
      await db.schema.dropTable('protocol_notes').execute();
      await db.schema.dropTable('reservations').execute();
      await db.schema.alterTable('councils').dropColumn('quorum_rule').execute();
    },
  },
  '0009_polls_outbox': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('councils').addColumn('members_create_polls', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema
        .createTable('polls')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('meeting_id', 'varchar(64)')
        .addColumn('agenda_item_id', 'varchar(64)')
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('max_choices', 'integer', (c) => c.notNull())
        .addColumn('anonymous', 'integer', (c) => c.notNull())
        .addColumn('results_visibility', 'varchar(16)', (c) => c.notNull())
        .addColumn('deadline', 'varchar(32)')
        .addColumn('remind_before_minutes', 'integer')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('closed_at', 'varchar(32)')
        .addColumn('activity_id', 'varchar(256)')
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('polls_council').on('polls').columns(['council_id', 'status']).execute();
      // A ballot is keyed by the voter: their user id in a named poll, a keyed hash of it in an
      // anonymous one, which then has no voter id and no time beside the choices.
      let ballots = db.schema
        .createTable('poll_ballots')
        .addColumn('poll_id', 'varchar(64)', (c) => c.notNull().references('polls.id').onDelete('cascade'))
        .addColumn('voter_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('choices', 'text', (c) => c.notNull())
        .addColumn('voter_id', 'varchar(256)')
        .addColumn('voted_at', 'varchar(32)')
        .addPrimaryKeyConstraint('poll_ballots_pk', ['poll_id', 'voter_key']);
      // Without a rowid SQLite keeps rows in key (hash) order, not in the order people voted.
      if (isSqlite(db)) ballots = ballots.modifyEnd(sql`without rowid`);
      await ballots.execute();
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('key', 'varchar(512)', (c) => c.notNull().unique())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('due_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', 'varchar(32)')
        .addColumn('sent_at', 'varchar(32)')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        // Bumped when a job is re-armed, so one re-armed while it was being delivered runs again.
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['sent_at', 'due_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('outbox').execute();
      await db.schema.dropTable('poll_ballots').execute();
      await db.schema.dropTable('polls').execute();
      await db.schema.alterTable('councils').dropColumn('members_create_polls').execute();
    },
  },
  '0010_nominations': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('nomination_rounds')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('meeting_id', 'varchar(64)')
        .addColumn('agenda_item_id', 'varchar(64)')
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('seats', 'integer', (c) => c.notNull())
        .addColumn('deadline', 'varchar(32)')
        .addColumn('self_nomination', 'integer', (c) => c.notNull())
        .addColumn('criteria', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('closed_at', 'varchar(32)')
        .addColumn('poll_id', 'varchar(64)')
        .addColumn('activity_id', 'varchar(256)')
        .addColumn('client_key', 'varchar(256)', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('nominations')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('round_id', 'varchar(64)', (c) => c.notNull().references('nomination_rounds.id').onDelete('cascade'))
        .addColumn('nominee_user_id', 'varchar(256)')
        .addColumn('nominee_name', 'varchar(200)', (c) => c.notNull())
        .addColumn('nominee_email', 'varchar(320)')
        .addColumn('nominated_by', 'varchar(256)', (c) => c.notNull())
        .addColumn('motivation', 'text', (c) => c.notNull())
        .addColumn('consent', 'varchar(16)', (c) => c.notNull())
        .addColumn('selected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('answered_at', 'varchar(32)')
        .execute();
      // A person is nominated once per round, even when two members nominate them at once.
      await db.schema.createIndex('nominations_member').on('nominations').columns(['round_id', 'nominee_user_id']).unique().execute();
      await db.schema.createIndex('nominations_external').on('nominations').columns(['round_id', 'nominee_email']).unique().execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('nominations').execute();
      await db.schema.dropTable('nomination_rounds').execute();
    },
  },
  '0011_reminders': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('councils').addColumn('reminder_policy', 'varchar(200)').execute();
      await db.schema
        .createTable('reminder_opt_outs')
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('reminder_opt_outs_pk', ['council_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('reminder_opt_outs').execute();
      await db.schema.alterTable('councils').dropColumn('reminder_policy').execute();
    },
  },
  '0012_calendars': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('councils').addColumn('calendar_mailbox', 'varchar(320)').execute();
      await db.schema.alterTable('councils').addColumn('calendar_category', 'varchar(300)').execute();
      await db.schema.alterTable('councils').addColumn('calendar_subject_rule', 'varchar(200)').execute();
      await db.schema
        .createTable('calendar_sync')
        .addColumn('council_id', 'varchar(64)', (c) => c.primaryKey().references('councils.id').onDelete('cascade'))
        .addColumn('mailbox', 'varchar(320)', (c) => c.notNull())
        .addColumn('window_start', 'varchar(32)')
        .addColumn('window_end', 'varchar(32)')
        .addColumn('delta_link', 'text')
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('detail', 'varchar(1000)')
        .addColumn('checked_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('synced_at', 'varchar(32)')
        .execute();
      // One meeting per calendar event, whichever instance or sync round sees the event first.
      await db.schema.createIndex('meetings_external_event_uq').on('meetings').columns(['council_id', 'external_event_id']).unique().execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('meetings_external_event_uq').execute();
      await db.schema.dropTable('calendar_sync').execute();
      await db.schema.alterTable('councils').dropColumn('calendar_subject_rule').execute();
      await db.schema.alterTable('councils').dropColumn('calendar_category').execute();
      await db.schema.alterTable('councils').dropColumn('calendar_mailbox').execute();
    },
  },
  '0013_justering': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('minutes')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('deadline', 'varchar(10)')
        .addColumn('sent_at', 'varchar(32)')
        .addColumn('approved_at', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('minutes_adjusters')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('approved_version', 'integer')
        .addColumn('approved_at', 'varchar(32)')
        .addPrimaryKeyConstraint('minutes_adjusters_pk', ['meeting_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('minutes_comments')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('text', 'varchar(2000)', (c) => c.notNull())
        .addColumn('client_key', 'varchar(200)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('minutes_comments').execute();
      await db.schema.dropTable('minutes_adjusters').execute();
      await db.schema.dropTable('minutes').execute();
    },
  },
  '0014_minutes_export': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('councils').addColumn('minutes_library', 'varchar(1000)').execute();
      await db.schema.alterTable('minutes').addColumn('diary_number', 'varchar(100)').execute();
      await db.schema.alterTable('minutes').addColumn('export_status', 'varchar(20)').execute();
      await db.schema.alterTable('minutes').addColumn('export_detail', 'varchar(1000)').execute();
      await db.schema.alterTable('minutes').addColumn('export_files', 'text').execute();
      await db.schema.alterTable('minutes').addColumn('exported_at', 'varchar(32)').execute();
    },
    async down(db: Kysely<any>) {
      for (const column of ['exported_at', 'export_files', 'export_detail', 'export_status', 'diary_number']) {
        await db.schema.alterTable('minutes').dropColumn(column).execute();
      }
      await db.schema.alterTable('councils').dropColumn('minutes_library').execute();
    },
  },
  '0015_poll_tally_card_claim': {
    async up(db: Kysely<any>) {
      // What a closed anonymous poll keeps instead of its ballots: counts, no order, no keys.
      await db.schema.alterTable('polls').addColumn('tally', 'text').execute();
      // Until when one request has the right to post the poll's card (see claimCard).
      await db.schema.alterTable('polls').addColumn('card_claimed_until', 'varchar(32)').execute();
      // Anonymous polls closed before this migration give up their ballots the same way.
      const closed = await db.selectFrom('polls').select('id').where('anonymous', '=', 1).where('status', '=', 'closed').execute();
      for (const { id } of closed as { id: string }[]) {
        const ballots = (await db.selectFrom('poll_ballots').select('choices').where('poll_id', '=', id).execute()) as { choices: string }[];
        const votes: Record<string, number> = {};
        for (const b of ballots) for (const c of JSON.parse(b.choices) as string[]) votes[c] = (votes[c] ?? 0) + 1;
        await db.updateTable('polls').set({ tally: JSON.stringify({ voters: ballots.length, votes }) }).where('id', '=', id).execute();
        await db.deleteFrom('poll_ballots').where('poll_id', '=', id).execute();
      }
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('polls').dropColumn('card_claimed_until').execute();
      await db.schema.alterTable('polls').dropColumn('tally').execute();
    },
  },
  '0016_outbox_parked': {
    async up(db: Kysely<any>) {
      // A job that failed for good waits here for the admin instead of being retried for ever.
      await db.schema.alterTable('outbox').addColumn('parked_at', 'varchar(32)').execute();
      // /readyz counts parked jobs on every probe: the few parked rows are found without a scan.
      await db.schema.createIndex('outbox_parked').on('outbox').column('parked_at').where(sql.ref('parked_at'), 'is not', null).execute();
      // The decision's own card, once posted: a retry of a turn cut off before posting it posts it then.
      await db.schema.alterTable('decisions').addColumn('card_activity_id', 'varchar(256)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('decisions').dropColumn('card_activity_id').execute();
      await db.schema.dropIndex('outbox_parked').execute();
      await db.schema.alterTable('outbox').dropColumn('parked_at').execute();
    },
  },
  '0017_outbox_lease_owner': {
    async up(db: Kysely<any>) {
      // A process restarted after a crash frees the leases its predecessor on the same instance
      // left, instead of waiting for them to run out.
      await db.schema.alterTable('outbox').addColumn('lease_owner', 'varchar(200)').execute();
      await db.schema.alterTable('outbox').addColumn('lease_started', 'varchar(32)').execute();
      await db.schema.alterTable('outbox').addColumn('lease_pid', 'integer').execute();
    },
    async down(db: Kysely<any>) {
      for (const column of ['lease_pid', 'lease_started', 'lease_owner']) await db.schema.alterTable('outbox').dropColumn(column).execute();
    },
  },
  '0018_channel_councils': {
    async up(db: Kysely<any>) {
      // A council set up from a channel thread was kept under that thread's id
      // (`<channel>;messageid=<root>`), so the channel's other threads did not find it. It now
      // belongs to the channel. Where two threads of one channel each got a council, the oldest
      // takes the channel; the others keep their rows, untouched, for an export.
      const base = (id: string) => id.slice(0, id.indexOf(';'));
      const threaded = (await db
        .selectFrom('councils')
        .select(['id', 'conversation_id'])
        .where('conversation_id', 'like', '%;%')
        .orderBy('created_at')
        .orderBy('id')
        .execute()) as { id: string; conversation_id: string }[];
      for (const council of threaded) {
        const channel = base(council.conversation_id);
        const taken = await db.selectFrom('councils').select('id').where('conversation_id', '=', channel).executeTakeFirst();
        if (!taken) await db.updateTable('councils').set({ conversation_id: channel }).where('id', '=', council.id).execute();
      }
      // Proactive cards go to the channel (a new thread); the channel's reference is made from
      // the newest of its threads' where the channel has none of its own.
      const references = (await db
        .selectFrom('conversations')
        .selectAll()
        .where('conversation_id', 'like', '%;%')
        .orderBy('updated_at', 'desc')
        .execute()) as { conversation_id: string; tenant_id: string | null; kind: string; reference: string; updated_at: string }[];
      for (const row of references) {
        const channel = base(row.conversation_id);
        const known = await db.selectFrom('conversations').select('conversation_id').where('conversation_id', '=', channel).executeTakeFirst();
        if (known) continue;
        const { activityId: _thread, ...reference } = JSON.parse(row.reference) as { activityId?: string; conversation?: Record<string, unknown> };
        await db
          .insertInto('conversations')
          .values({ ...row, conversation_id: channel, reference: JSON.stringify({ ...reference, conversation: { ...reference.conversation, id: channel } }) })
          .execute();
      }
    },
    async down() {
      // The thread a council came from is not kept: the councils stay with their channels.
    },
  },
  '0019_conversation_gone': {
    async up(db: Kysely<any>) {
      // Set when Teams says the bot is no longer in the council's conversation (uninstalled, chat
      // or channel deleted); the council's data stays, and re-adding the app clears it.
      await db.schema.alterTable('councils').addColumn('unreachable_since', 'varchar(32)').execute();
      // A person who left the conversation stays on the council's record (past minutes and
      // decisions keep their names) but no longer counts as a member.
      await db.schema.alterTable('council_members').addColumn('left_at', 'varchar(32)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('council_members').dropColumn('left_at').execute();
      await db.schema.alterTable('councils').dropColumn('unreachable_since').execute();
    },
  },
  '0020_calendar_teams': {
    async up(db: Kysely<any>) {
      // How the council's online meetings get their Teams link ('calendar', 'onlineMeetings',
      // 'manual'); unknown (null) until an online meeting was put in the calendar.
      await db.schema.alterTable('calendar_sync').addColumn('teams', 'varchar(20)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('calendar_sync').dropColumn('teams').execute();
    },
  },
  '0021_calendar_series': {
    async up(db: Kysely<any>) {
      // How far ahead a series' occurrences become meetings; null: the default (8 weeks).
      await db.schema.alterTable('councils').addColumn('calendar_horizon_weeks', 'integer').execute();
      // A recurring Outlook series is one thing to the council, however many meetings it holds.
      await db.schema
        .createTable('calendar_series')
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('series_id', 'varchar(1000)', (c) => c.notNull())
        .addColumn('subject', 'varchar(500)', (c) => c.notNull())
        .addColumn('place', 'varchar(500)')
        .addColumn('online_url', 'text')
        .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('recurrence', 'text')
        .addColumn('told_at', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('calendar_series_pk', ['council_id', 'series_id'])
        .execute();
      // Occurrences beyond the planning horizon wait here until they are near enough to be meetings.
      await db.schema
        .createTable('calendar_occurrences')
        .addColumn('council_id', 'varchar(64)', (c) => c.notNull().references('councils.id').onDelete('cascade'))
        .addColumn('event_id', 'varchar(1000)', (c) => c.notNull())
        .addColumn('series_id', 'varchar(1000)', (c) => c.notNull())
        .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('subject', 'varchar(500)')
        .addColumn('place', 'varchar(500)')
        .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('calendar_occurrences_pk', ['council_id', 'event_id'])
        .execute();
      await db.schema.createIndex('calendar_occurrences_series').on('calendar_occurrences').columns(['council_id', 'series_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('calendar_occurrences').execute();
      await db.schema.dropTable('calendar_series').execute();
      await db.schema.alterTable('councils').dropColumn('calendar_horizon_weeks').execute();
    },
  },
  '0022_personal_reach': {
    async up(db: Kysely<any>) {
      // A member Teams would not open a 1:1 chat with: their personal cards were not sent (nor
      // posted in the council's chat instead); the chair's view shows how many, until they are reached.
      await db.schema.alterTable('council_members').addColumn('unreached_since', 'varchar(32)').execute();
      await db.schema.alterTable('council_members').addColumn('unreached_for', 'varchar(200)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('council_members').dropColumn('unreached_for').execute();
      await db.schema.alterTable('council_members').dropColumn('unreached_since').execute();
    },
  },
  '0023_attendance_source': {
    async up(db: Kysely<any>) {
      // Who put a person's status there: the chair or secretary ('chair'), the opening's prefill
      // ('opening'), or the person's own act in the meeting ('acted', with what and when). Only a
      // status the chair set stands against an act; rows from before were all set by hand.
      await db.schema.alterTable('attendance').addColumn('source', 'varchar(16)', (c) => c.notNull().defaultTo('chair')).execute();
      await db.schema.alterTable('attendance').addColumn('reason', 'varchar(16)').execute();
      await db.schema.alterTable('attendance').addColumn('reason_at', 'varchar(32)').execute();
      // The attendance card posted at the opening, updated in place as people act or are marked.
      await db.schema.alterTable('meetings').addColumn('attendance_card_activity_id', 'varchar(256)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('meetings').dropColumn('attendance_card_activity_id').execute();
      for (const c of ['reason_at', 'reason', 'source']) await db.schema.alterTable('attendance').dropColumn(c).execute();
    },
  },
  '0024_agenda_item_label': {
    async up(db: Kysely<any>) {
      // The number the chair's own agenda gave an item ("3 a"); null: numbered by position.
      await db.schema.alterTable('agenda_items').addColumn('label', 'varchar(20)').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('agenda_items').dropColumn('label').execute();
    },
  },
  '0027_standing_item_words': {
    async up(db: Kysely<any>) {
      // The standing item of agendas not yet approved is named as the bot now names it everywhere
      // (protokoll, åtgärder); approved minutes keep the words they were approved with.
      await renameStanding(db, STANDING_RENAMES);
    },
    async down(db: Kysely<any>) {
      await renameStanding(db, STANDING_RENAMES.map(([before, after]) => [after, before]));
    },
  },
  '0028_calendar_unknown_zones': {
    async up(db: Kysely<any>) {
      // The council's events read in a guessed zone, as JSON, for `kalender` to name until they are mended.
      await db.schema.alterTable('calendar_sync').addColumn('unknown_zones', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('calendar_sync').dropColumn('unknown_zones').execute();
    },
  },
  '0029_signed_names': {
    async up(db: Kysely<any>) {
      // A person erased on request is a pseudonym everywhere; approved minutes are a public record
      // and keep the name (and organisation) they were signed with, meeting by meeting.
      await db.schema
        .createTable('signed_names')
        .addColumn('meeting_id', 'varchar(64)', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('organisation', 'varchar(200)')
        .addPrimaryKeyConstraint('signed_names_pk', ['meeting_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('signed_names').execute();
    },
  },
};

const STANDING_RENAMES: readonly (readonly [string, string])[] = [
  ['Föregående mötes anteckningar och actionpunkter', 'Föregående mötes protokoll och åtgärder'],
  ['Notes and action items from the previous meeting', 'Minutes and action items from the previous meeting'],
];

async function renameStanding(db: Kysely<any>, renames: readonly (readonly [string, string])[]): Promise<void> {
  for (const [before, after] of renames) {
    await db
      .updateTable('agenda_items')
      .set({ title: after })
      .where('standing', '=', 'previousMinutes')
      .where('title', '=', before)
      .where('meeting_id', 'in', db.selectFrom('meetings').select('id').where('status', '!=', 'approved'))
      .execute();
  }
}

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

export const latestMigration = Object.keys(migrations).sort().at(-1)!;
