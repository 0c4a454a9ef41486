import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * One person's data in the store, for a request under the GDPR: everything that names them
 * (art. 15), and its erasure (art. 17). A person is found by their Teams user id ("29:…") or their
 * Entra object id, which council_members keeps beside it.
 */

type Row = Record<string, unknown>;

/** Where a user id is written, table by table: the columns an export shows and an erasure replaces. */
const PERSON_COLUMNS = {
  councils: ['created_by'],
  council_members: ['user_id'],
  meetings: ['created_by'],
  regrets: ['user_id'],
  decisions: ['recorded_by'],
  action_items: ['owner_user_id', 'created_by'],
  attendance: ['user_id', 'marked_by'],
  item_notes: ['written_by'],
  reservations: ['user_id'],
  protocol_notes: ['user_id'],
  action_comments: ['user_id'],
  meeting_guests: ['added_by'],
  polls: ['created_by'],
  poll_ballots: ['voter_id'],
  nomination_rounds: ['created_by'],
  nominations: ['nominee_user_id', 'nominated_by'],
  reminder_opt_outs: ['user_id'],
  minutes_adjusters: ['user_id'],
  minutes_comments: ['user_id'],
} as const satisfies Partial<Record<keyof Database, readonly string[]>>;

type PersonTable = keyof typeof PERSON_COLUMNS;

/**
 * Columns of a selected row that say something about whoever the row's other id names: in an
 * export they are blanked when that is someone else (a guest's name in a guest list the person
 * kept, the owner of an action item the person created).
 */
const BELONGS_TO: Partial<Record<PersonTable, Record<string, string>>> = {
  action_items: { owner_name: 'owner_user_id' },
  nominations: { nominee_name: 'nominee_user_id', nominee_email: 'nominee_user_id' },
};

/** What an export shows instead of another person's id or name. */
export const SOMEONE_ELSE = '(someone else)';

export interface Person {
  /** The Teams user ids the store knows the person by (one, in practice). */
  userIds: string[];
  /** Their Entra object ids, where Teams gave them. */
  aadObjectIds: string[];
  /** Their names as the councils have them. */
  names: string[];
  councils: { id: string; name: string; locale: string; role: string; left: boolean }[];
}

export interface PersonExport {
  exportedAt: string;
  person: Person;
  /** Every row that names the person, by table; other people's ids and names in them are blanked. */
  tables: Record<string, Row[]>;
  notes: string[];
}

export type EraseOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'chair'; councils: { id: string; name: string }[] }
  | { outcome: 'erased'; pseudonym: string; changed: Record<string, number>; deleted: Record<string, number>; signedMeetings: { id: string; title: string; startsAt: string }[] };

async function findPerson(db: Kysely<Database>, id: string): Promise<Person | undefined> {
  const members = await db
    .selectFrom('council_members')
    .innerJoin('councils', 'councils.id', 'council_members.council_id')
    .select(['council_members.user_id', 'council_members.aad_object_id', 'council_members.name', 'council_members.role', 'council_members.left_at', 'councils.id as council_id', 'councils.name as council_name', 'councils.locale'])
    .where((eb) => eb.or([eb('council_members.user_id', '=', id), eb('council_members.aad_object_id', '=', id)]))
    .orderBy('councils.name')
    .execute();
  const userIds = new Set(members.map((m) => m.user_id));
  // Someone who never was a member may still be named (a council set up by an admin who left the roster).
  if (userIds.size === 0 && (await namedAnywhere(db, id))) userIds.add(id);
  if (userIds.size === 0) return undefined;
  return {
    userIds: [...userIds],
    aadObjectIds: [...new Set(members.flatMap((m) => (m.aad_object_id ? [m.aad_object_id] : [])))],
    names: [...new Set(members.map((m) => m.name))],
    councils: members.map((m) => ({ id: m.council_id, name: m.council_name, locale: m.locale, role: m.role, left: m.left_at !== null })),
  };
}

async function namedAnywhere(db: Kysely<Database>, id: string): Promise<boolean> {
  for (const [table, columns] of Object.entries(PERSON_COLUMNS)) {
    const found = await untyped(db)
      .selectFrom(table)
      .select(db.fn.countAll<number>().as('n'))
      .where((eb) => eb.or(columns.map((c) => eb(c, '=', id))))
      .executeTakeFirst();
    if (Number(found?.n ?? 0) > 0) return true;
  }
  return false;
}

/** The tables and columns walked here are named by the lists above, not known to the type checker. */
function untyped(db: Kysely<Database>): Kysely<any> {
  return db as unknown as Kysely<any>;
}

async function personRows(db: Kysely<Database>, table: PersonTable, ids: readonly string[]): Promise<Row[]> {
  const columns = PERSON_COLUMNS[table] as readonly string[];
  return (await untyped(db)
    .selectFrom(table)
    .selectAll()
    .where((eb) => eb.or(columns.map((c) => eb(c, 'in', ids))))
    .execute()) as Row[];
}

/** Another person's id or name in a row selected for this one is no part of their answer. */
function blankOthers(table: PersonTable, row: Row, ids: ReadonlySet<string>): Row {
  const out: Row = { ...row };
  for (const c of PERSON_COLUMNS[table] as readonly string[]) {
    if (typeof out[c] === 'string' && !ids.has(out[c] as string)) out[c] = SOMEONE_ELSE;
  }
  for (const [c, owner] of Object.entries(BELONGS_TO[table] ?? {})) {
    if (out[c] !== null && !ids.has(row[owner] as string)) out[c] = SOMEONE_ELSE;
  }
  if (table === 'meeting_guests') {
    // A guest the person added is someone else.
    out.name = SOMEONE_ELSE;
    out.organisation = out.organisation === null ? null : SOMEONE_ELSE;
  }
  return out;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A personal chat's reference: the one whose user is the person, in a 1:1 conversation. */
function personalTo(row: { kind: string; reference: string }, ids: ReadonlySet<string>): boolean {
  const user = (parse(row.reference) as { user?: { id?: unknown } } | undefined)?.user;
  return row.kind === 'personal' && typeof user?.id === 'string' && ids.has(user.id);
}

function jobFor(payload: string, ids: ReadonlySet<string>): boolean {
  const p = parse(payload) as { userId?: unknown; to?: unknown } | undefined;
  return (typeof p?.userId === 'string' && ids.has(p.userId)) || (typeof p?.to === 'string' && ids.has(p.to));
}

async function personalConversations(db: Kysely<Database>, ids: ReadonlySet<string>) {
  const rows = await db.selectFrom('conversations').selectAll().where('kind', '=', 'personal').execute();
  return rows.filter((r) => personalTo(r, ids));
}

async function containing<T extends 'conversations' | 'bot_state' | 'outbox'>(db: Kysely<Database>, table: T, columns: readonly string[], ids: readonly string[]): Promise<Database[T][]> {
  const rows = (await untyped(db)
    .selectFrom(table)
    .selectAll()
    .where((eb) => eb.or(columns.flatMap((c) => ids.map((id) => eb(c, 'like', `%${likePattern(id)}%`)))))
    .execute()) as unknown as Record<string, unknown>[];
  // LIKE found a superset; the ids themselves decide.
  return rows.filter((r) => columns.some((c) => ids.some((id) => String(r[c]).includes(id)))) as unknown as Database[T][];
}

/** Each LIKE wildcard in an id matches any one character; the caller checks the text itself. */
function likePattern(text: string): string {
  return text.replace(/[%_\\]/g, '_');
}

async function stateKeysOf(db: Kysely<Database>, userIds: readonly string[], personalConversationIds: readonly string[]): Promise<string[]> {
  // teams-ai keeps turn state under "<channel>/<bot>/users/<user id>" and "<channel>/<bot>/conversations/<id>".
  const tails = [...userIds.map((id) => `/users/${id}`), ...personalConversationIds.map((id) => `/conversations/${id}`)];
  if (tails.length === 0) return [];
  const rows = await db
    .selectFrom('bot_state')
    .select('key')
    .where((eb) => eb.or(tails.map((tail) => eb('key', 'like', `%${likePattern(tail)}`))))
    .execute();
  return rows.map((r) => r.key).filter((key) => tails.some((tail) => key.endsWith(tail)));
}

/** Everything the store holds that names the person, with other people's ids and names blanked. */
export async function exportPerson(db: Kysely<Database>, id: string, exportedAt: string): Promise<PersonExport | undefined> {
  const person = await findPerson(db, id);
  if (!person) return undefined;
  const ids = new Set(person.userIds);
  const tables: Record<string, Row[]> = {};
  for (const table of Object.keys(PERSON_COLUMNS) as PersonTable[]) {
    let rows = await personRows(db, table, person.userIds);
    // Named polls only: a ballot in a secret poll is kept under a keyed hash, never the voter's id.
    if (table === 'poll_ballots') rows = rows.filter((r) => r.voter_id !== null);
    tables[table] = rows.map((r) => blankOthers(table, r, ids));
  }
  // A reservation or protocol note says little without the decision it is about.
  for (const table of ['reservations', 'protocol_notes'] as const) {
    const decisionIds = [...new Set(tables[table]!.flatMap((r) => (typeof r.decision_id === 'string' ? [r.decision_id] : [])))];
    if (decisionIds.length === 0) continue;
    const decisions = await db.selectFrom('decisions').select(['id', 'item_number', 'item_title', 'text', 'outcome']).where('id', 'in', decisionIds).execute();
    const byId = new Map(decisions.map(({ id: decisionId, ...d }) => [decisionId, d]));
    tables[table] = tables[table]!.map((r) => ({ ...r, decision: byId.get(r.decision_id as string) ?? null }));
  }
  const presented = await db.selectFrom('agenda_items').select(['id', 'meeting_id', 'title', 'presenters']).execute();
  tables.agenda_items_presented = presented
    .filter((r) => presentersOf(r.presenters).some((n) => person.names.includes(n)))
    .map((r) => ({ ...r, presenters: presentersOf(r.presenters).map((n) => (person.names.includes(n) ? n : SOMEONE_ELSE)) }));
  const conversations = await personalConversations(db, ids);
  tables.conversations = conversations.map((r) => ({ ...r, reference: parse(r.reference) }));
  const stateKeys = await stateKeysOf(db, person.userIds, conversations.map((c) => c.conversation_id));
  tables.bot_state = stateKeys.length === 0 ? [] : (await db.selectFrom('bot_state').selectAll().where('key', 'in', stateKeys).execute()).map((r) => ({ ...r, data: parse(r.data) }));
  tables.outbox = (await containing(db, 'outbox', ['payload'], person.userIds))
    .filter((r) => jobFor(r.payload, ids))
    .map((r) => ({ id: r.id, kind: r.kind, payload: parse(r.payload), due_at: r.due_at, sent_at: r.sent_at, created_at: r.created_at }));
  return {
    exportedAt,
    person,
    tables,
    notes: [
      'Ballots in anonymous polls are not included: the store keeps them under a keyed hash, not the voter, and deletes them when the poll closes.',
      'Cards and messages already posted in Teams, and minutes exported to SharePoint, are kept there, not in this store.',
    ],
  };
}

function presentersOf(text: string): string[] {
  const list = parse(text);
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
}

/** Replaces, anywhere in a JSON value, a string that is one of the ids or names. */
function replaced(value: unknown, swap: (s: string) => string | undefined): unknown {
  if (typeof value === 'string') return swap(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => replaced(v, swap));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaced(v, swap)]));
  return value;
}

export interface EraseOptions {
  at: string;
  /** The name that replaces the person's, in the council's language. */
  removedName(locale: string): string;
  /** A new pseudonym; random by default, so the erased id cannot be recomputed from it. */
  pseudonym?: () => string;
}

/**
 * Erases the person in one transaction: ids become one pseudonym (so counts, quorum and votes
 * stay true), names the fixed "removed person" text, and what is only about them is deleted. The
 * minutes of meetings already approved keep the name they were signed with (signed_names).
 * Refused, changing nothing, for an unknown id or a chair of a council.
 */
export async function erasePerson(db: Kysely<Database>, id: string, options: EraseOptions): Promise<EraseOutcome> {
  return db.transaction().execute(async (trx) => {
    const person = await findPerson(trx, id);
    if (!person) return { outcome: 'unknown' };
    const chairing = person.councils.filter((c) => c.role === 'chair' && !c.left);
    if (chairing.length > 0) return { outcome: 'chair', councils: chairing.map((c) => ({ id: c.id, name: c.name })) };
    return erase(trx, person, options);
  });
}

async function erase(trx: Transaction<Database>, person: Person, options: EraseOptions): Promise<EraseOutcome> {
  const { at } = options;
  const ids = person.userIds;
  const idSet = new Set(ids);
  const guest = ids.every((i) => i.startsWith('guest:'));
  // A guest stays a guest to the code that tells guests by their id.
  const pseudonym = `${guest ? 'guest:' : ''}erased:${options.pseudonym?.() ?? randomUUID()}`;
  const changed: Record<string, number> = {};
  const deleted: Record<string, number> = {};
  const count = (into: Record<string, number>, table: string, n: bigint | number | undefined) => {
    if (Number(n ?? 0) > 0) into[table] = (into[table] ?? 0) + Number(n);
  };
  const councilIds = [...new Set(person.councils.map((c) => c.id))];
  const removedIn = new Map(person.councils.map((c) => [c.id, options.removedName(c.locale)]));
  const removedDefault = options.removedName(person.councils[0]?.locale ?? 'sv');

  // The approved minutes keep the names they were signed with, before the member rows lose them.
  const signedMeetings =
    councilIds.length === 0
      ? []
      : await trx.selectFrom('meetings').select(['id', 'title', 'starts_at', 'council_id']).where('council_id', 'in', councilIds).where('status', '=', 'approved').orderBy('starts_at').execute();
  const memberRows = await trx.selectFrom('council_members').selectAll().where('user_id', 'in', ids).execute();
  for (const meeting of signedMeetings) {
    const was = memberRows.find((m) => m.council_id === meeting.council_id);
    if (!was) continue;
    await trx.insertInto('signed_names').values({ meeting_id: meeting.id, user_id: pseudonym, name: was.name, organisation: was.organisation }).execute();
  }
  const approvedIds = signedMeetings.map((m) => m.id);
  // Rows, not statements: a row named in two columns is one row changed.
  for (const table of Object.keys(PERSON_COLUMNS) as PersonTable[]) count(changed, table, (await personRows(trx, table, ids)).length);

  // What is only about them.
  for (const table of ['minutes_comments', 'reminder_opt_outs'] as const) {
    count(deleted, table, (await trx.deleteFrom(table).where('user_id', 'in', ids).executeTakeFirst()).numDeletedRows);
    delete changed[table];
  }
  await trx.updateTable('regrets').set({ note: null }).where('user_id', 'in', ids).execute();
  const personal = await personalConversations(trx, idSet);
  if (personal.length > 0) {
    count(deleted, 'conversations', (await trx.deleteFrom('conversations').where('conversation_id', 'in', personal.map((c) => c.conversation_id)).executeTakeFirst()).numDeletedRows);
  }
  const stateKeys = await stateKeysOf(trx, ids, personal.map((c) => c.conversation_id));
  if (stateKeys.length > 0) count(deleted, 'bot_state', (await trx.deleteFrom('bot_state').where('key', 'in', stateKeys).executeTakeFirst()).numDeletedRows);
  // Messages to them, waiting or sent (sent ones are only kept a while against sending twice).
  const theirs = (await containing(trx, 'outbox', ['payload'], ids)).filter((j) => jobFor(j.payload, idSet));
  if (theirs.length > 0) count(deleted, 'outbox', (await trx.deleteFrom('outbox').where('id', 'in', theirs.map((j) => j.id)).executeTakeFirst()).numDeletedRows);

  // Names and contact details give way to the fixed text; the pseudonym takes the ids' place below.
  for (const councilId of councilIds) {
    await trx
      .updateTable('council_members')
      .set((eb) => ({
        name: removedIn.get(councilId)!,
        aad_object_id: null,
        email: null,
        organisation: null,
        unreached_since: null,
        unreached_for: null,
        // No longer a member from now on; meetings before keep counting them.
        left_at: eb.fn.coalesce('left_at', eb.val(at)),
      }))
      .where('council_id', '=', councilId)
      .where('user_id', 'in', ids)
      .execute();
  }
  // An action item may belong to a council the person has no member row in any more.
  const owned = await trx.selectFrom('action_items').innerJoin('councils', 'councils.id', 'action_items.council_id').select(['action_items.council_id', 'councils.locale']).distinct().where('owner_user_id', 'in', ids).execute();
  for (const { council_id, locale } of owned) {
    await trx.updateTable('action_items').set({ owner_name: options.removedName(locale) }).where('council_id', '=', council_id).where('owner_user_id', 'in', ids).execute();
  }
  await trx.updateTable('nominations').set({ nominee_name: removedDefault, nominee_email: null }).where('nominee_user_id', 'in', ids).execute();
  // A presenter is written by name; agendas not yet approved lose it, signed ones keep it.
  const agendas = await trx
    .selectFrom('agenda_items')
    .select(['id', 'meeting_id', 'presenters'])
    .where((eb) => eb.or(person.names.map((n) => eb('presenters', 'like', `%${likePattern(n)}%`))))
    .execute();
  for (const item of agendas) {
    if (approvedIds.includes(item.meeting_id)) continue;
    const names = presentersOf(item.presenters);
    if (!names.some((n) => person.names.includes(n))) continue;
    await trx.updateTable('agenda_items').set({ presenters: JSON.stringify(names.map((n) => (person.names.includes(n) ? removedDefault : n))) }).where('id', '=', item.id).execute();
    count(changed, 'agenda_items', 1);
  }
  // A named ballot is keyed by the voter's id too.
  await trx.updateTable('poll_ballots').set({ voter_key: pseudonym }).where('voter_id', 'in', ids).execute();

  for (const [table, columns] of Object.entries(PERSON_COLUMNS) as [PersonTable, readonly string[]][]) {
    for (const column of columns) {
      await untyped(trx).updateTable(table).set({ [column]: pseudonym }).where(column, 'in', ids).execute();
    }
  }

  // The bot's own records that quote the id or name: a group chat's reference, turn state, sent jobs.
  // A reference's user carries the Entra id too (aadObjectId).
  const quoted = [...ids, ...person.aadObjectIds];
  const quotedSet = new Set(quoted);
  const names = new Set(person.names);
  const swap = (s: string) => (quotedSet.has(s) ? pseudonym : names.has(s) ? removedDefault : undefined);
  for (const row of await containing(trx, 'conversations', ['reference'], quoted)) {
    await trx.updateTable('conversations').set({ reference: JSON.stringify(replaced(parse(row.reference), swap)) }).where('conversation_id', '=', row.conversation_id).execute();
    count(changed, 'conversations', 1);
  }
  for (const row of await containing(trx, 'bot_state', ['key', 'data'], quoted)) {
    await trx.updateTable('bot_state').set({ data: JSON.stringify(replaced(parse(row.data), swap)) }).where('key', '=', row.key).execute();
    count(changed, 'bot_state', 1);
  }
  for (const row of await containing(trx, 'outbox', ['key', 'payload'], quoted)) {
    const key = ids.reduce((k, i) => k.split(i).join(pseudonym), row.key);
    await trx.updateTable('outbox').set({ key, payload: JSON.stringify(replaced(parse(row.payload), swap)) }).where('id', '=', row.id).execute();
    count(changed, 'outbox', 1);
  }
  return { outcome: 'erased', pseudonym, changed, deleted, signedMeetings: signedMeetings.map((m) => ({ id: m.id, title: m.title, startsAt: m.starts_at })) };
}
