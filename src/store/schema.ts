import type { Generated } from 'kysely';

/** Timestamps are ISO-8601 UTC strings so both dialects store and sort them the same way. */
export interface CouncilsTable {
  id: string;
  conversation_id: string;
  tenant_id: string | null;
  name: string;
  locale: string;
  time_zone: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
  /** 'majority', 'off' or 'min:N'. */
  quorum_rule: Generated<string>;
  members_create_polls: Generated<number>;
  reminder_policy: string | null;
  calendar_mailbox: string | null;
  calendar_category: string | null;
  calendar_subject_rule: string | null;
  /** Weeks ahead that a series' occurrences become meetings; null: the default. */
  calendar_horizon_weeks?: number | null;
  minutes_library: string | null;
  /** When Teams said the bot is gone from the conversation; null while it can be reached. */
  unreachable_since?: string | null;
}

export interface CouncilMembersTable {
  council_id: string;
  user_id: string;
  aad_object_id: string | null;
  name: string;
  email: string | null;
  role: string;
  organisation: string | null;
  added_at: string;
  /** When the person left the conversation; the row stays so the record keeps their name. */
  left_at?: string | null;
  /** When a personal card to the person was first refused by Teams, while it still is; null once reached. */
  unreached_since?: string | null;
  /** What those cards were for: ReachPurpose values, comma-separated. */
  unreached_for?: string | null;
}

export interface ConversationsTable {
  conversation_id: string;
  tenant_id: string | null;
  kind: string;
  reference: string;
  updated_at: string;
}

export interface BotStateTable {
  key: string;
  data: string;
  etag: string;
  updated_at: string;
}

export interface MeetingsTable {
  id: string;
  council_id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  place: string | null;
  /** 0/1: one type for both dialects. */
  online: number;
  online_url: string | null;
  status: string;
  external_event_id: string | null;
  agenda_card_activity_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
  current_item_id: string | null;
  opened_at: string | null;
  closed_at: string | null;
  attendance_card_activity_id?: string | null;
}

export interface AgendaItemsTable {
  id: string;
  meeting_id: string;
  position: number;
  level: number;
  title: string;
  kind: string;
  duration_minutes: number | null;
  fixed_start: string | null;
  /** JSON array of names. */
  presenters: string;
  description: string | null;
  /** JSON array of { title, url }. */
  links: string;
  /** Which standing item this is ("previousMinutes"), so it is not added twice. */
  standing: string | null;
  /** The decision that brought a tabled item back. */
  carried_from: string | null;
  /** The chair's own number for the item ("3 a"); null: numbered by position. */
  label: string | null;
}

export interface RegretsTable {
  meeting_id: string;
  user_id: string;
  note: string | null;
  created_at: string;
}

export interface DecisionsTable {
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  item_number: string | null;
  item_title: string | null;
  text: string;
  outcome: string;
  reason: string | null;
  vote_for: number | null;
  vote_against: number | null;
  vote_abstain: number | null;
  recorded_by: string;
  recorded_at: string;
  /** What the client's retries share (activity or card id): one decision per key. */
  client_key: string;
  version: number;
  /** The message showing the decision, once posted. */
  card_activity_id: string | null;
}

export interface ActionItemsTable {
  id: string;
  council_id: string;
  meeting_id: string | null;
  agenda_item_id: string | null;
  owner_user_id: string;
  owner_name: string;
  text: string;
  due_date: string | null;
  status: string;
  created_by: string;
  created_at: string;
  completed_at: string | null;
  client_key: string;
  version: number;
}

export interface AttendanceTable {
  meeting_id: string;
  user_id: string;
  status: string;
  marked_by: string;
  marked_at: string;
  source: Generated<string>;
  reason: string | null;
  reason_at: string | null;
}

export interface ItemTimesTable {
  meeting_id: string;
  item_id: string;
  started_at: string;
  ended_at: string | null;
}

export interface ItemNotesTable {
  id: string;
  meeting_id: string;
  item_id: string;
  text: string;
  written_by: string;
  written_at: string;
  client_key: string;
}

export interface ReservationsTable {
  decision_id: string;
  meeting_id: string;
  user_id: string;
  text: string | null;
  created_at: string;
}

export interface ProtocolNotesTable {
  id: string;
  meeting_id: string;
  item_id: string | null;
  decision_id: string | null;
  user_id: string;
  text: string;
  created_at: string;
  client_key: string;
}

export interface ActionCommentsTable {
  id: string;
  action_item_id: string;
  user_id: string;
  text: string;
  created_at: string;
  client_key: string;
}

export interface MeetingGuestsTable {
  id: string;
  meeting_id: string;
  name: string;
  organisation: string | null;
  added_by: string;
  added_at: string;
}

export interface PollsTable {
  id: string;
  council_id: string;
  meeting_id: string | null;
  agenda_item_id: string | null;
  question: string;
  /** JSON: [{ id, text }]. */
  options: string;
  max_choices: number;
  anonymous: number;
  results_visibility: string;
  deadline: string | null;
  remind_before_minutes: number | null;
  status: string;
  created_by: string;
  created_at: string;
  closed_at: string | null;
  activity_id: string | null;
  client_key: string;
  version: number;
  /** JSON { voters, votes: { optionId: n } }: set when an anonymous poll closes and its ballots go. */
  tally: string | null;
  card_claimed_until: string | null;
}

export interface PollBallotsTable {
  poll_id: string;
  voter_key: string;
  /** JSON array of option ids. */
  choices: string;
  voter_id: string | null;
  voted_at: string | null;
}

export interface OutboxTable {
  id: string;
  key: string;
  kind: string;
  payload: string;
  due_at: string;
  attempts: number;
  lease_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
  revision: Generated<number>;
  /** Set when the job failed for good; claim() leaves it alone until the admin retries or drops it. */
  parked_at: string | null;
  /** Who holds the lease: the instance id, and the start time and pid of its process. */
  lease_owner: string | null;
  lease_started: string | null;
  lease_pid: number | null;
}

export interface NominationRoundsTable {
  id: string;
  council_id: string;
  meeting_id: string | null;
  agenda_item_id: string | null;
  name: string;
  purpose: string;
  seats: number;
  deadline: string | null;
  self_nomination: number;
  criteria: string | null;
  status: string;
  created_by: string;
  created_at: string;
  closed_at: string | null;
  poll_id: string | null;
  activity_id: string | null;
  client_key: string;
  version: number;
}

export interface NominationsTable {
  id: string;
  round_id: string;
  nominee_user_id: string | null;
  nominee_name: string;
  nominee_email: string | null;
  nominated_by: string;
  motivation: string;
  consent: string;
  selected: number;
  created_at: string;
  answered_at: string | null;
}

export interface ReminderOptOutsTable {
  council_id: string;
  user_id: string;
  created_at: string;
}

export interface CalendarSyncTable {
  council_id: string;
  /** The mailbox this state belongs to: a council that changes mailbox starts over. */
  mailbox: string;
  window_start: string | null;
  window_end: string | null;
  delta_link: string | null;
  /** 'ok', 'denied', 'notFound' or 'failing'. */
  status: string;
  detail: string | null;
  checked_at: string;
  synced_at: string | null;
  /** 'calendar', 'onlineMeetings' or 'manual': where online meetings get their Teams link; null until known. */
  teams: string | null;
  /** JSON list of the council's events in a time zone nobody knows; null: none. */
  unknown_zones: string | null;
}

export interface CalendarSeriesTable {
  council_id: string;
  series_id: string;
  subject: string;
  place: string | null;
  online_url: string | null;
  /** The master's start: the series' first occurrence, and its time of day. */
  starts_at: string;
  /** Graph's patternedRecurrence as read (JSON). */
  recurrence: string | null;
  told_at: string | null;
  updated_at: string;
}

export interface CalendarOccurrencesTable {
  council_id: string;
  event_id: string;
  series_id: string;
  starts_at: string;
  ends_at: string;
  subject: string | null;
  place: string | null;
  /** 1 for an attendee's copy of a cancelled occurrence. */
  cancelled: number;
}

export interface MinutesTable {
  meeting_id: string;
  version: number;
  /** 'draft', 'sent' or 'approved'. */
  status: string;
  deadline: string | null;
  sent_at: string | null;
  approved_at: string | null;
  updated_at: string;
  diary_number: string | null;
  /** 'pending', 'done', 'retrying', 'waiting' or 'failed'; null before the first export. */
  export_status: string | null;
  export_detail: string | null;
  /** JSON: [{ name, webUrl }] of the files the last export wrote. */
  export_files: string | null;
  exported_at: string | null;
}

export interface MinutesAdjustersTable {
  meeting_id: string;
  user_id: string;
  approved_version: number | null;
  approved_at: string | null;
}

export interface MinutesCommentsTable {
  id: string;
  meeting_id: string;
  user_id: string;
  version: number;
  text: string;
  client_key: string;
  created_at: string;
}

/** The name an erased person had in a meeting's approved minutes, under the pseudonym that replaced their id. */
export interface SignedNamesTable {
  meeting_id: string;
  user_id: string;
  name: string;
  organisation: string | null;
}

export interface Database {
  councils: CouncilsTable;
  council_members: CouncilMembersTable;
  conversations: ConversationsTable;
  bot_state: BotStateTable;
  meetings: MeetingsTable;
  agenda_items: AgendaItemsTable;
  regrets: RegretsTable;
  decisions: DecisionsTable;
  action_items: ActionItemsTable;
  attendance: AttendanceTable;
  item_times: ItemTimesTable;
  item_notes: ItemNotesTable;
  reservations: ReservationsTable;
  protocol_notes: ProtocolNotesTable;
  action_comments: ActionCommentsTable;
  meeting_guests: MeetingGuestsTable;
  polls: PollsTable;
  poll_ballots: PollBallotsTable;
  outbox: OutboxTable;
  nomination_rounds: NominationRoundsTable;
  nominations: NominationsTable;
  reminder_opt_outs: ReminderOptOutsTable;
  calendar_sync: CalendarSyncTable;
  calendar_series: CalendarSeriesTable;
  calendar_occurrences: CalendarOccurrencesTable;
  minutes: MinutesTable;
  minutes_adjusters: MinutesAdjustersTable;
  minutes_comments: MinutesCommentsTable;
  signed_names: SignedNamesTable;
}

export type { Generated };
