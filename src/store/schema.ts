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
}

export interface RegretsTable {
  meeting_id: string;
  user_id: string;
  note: string | null;
  created_at: string;
}

export interface Database {
  councils: CouncilsTable;
  council_members: CouncilMembersTable;
  conversations: ConversationsTable;
  bot_state: BotStateTable;
  meetings: MeetingsTable;
  agenda_items: AgendaItemsTable;
  regrets: RegretsTable;
}

export type { Generated };
