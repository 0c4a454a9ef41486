import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../../src/app/ports.js';
import type { CouncilMember } from '../../src/domain/council.js';
import type { Database } from '../../src/store/schema.js';

export const at = '2026-09-01T08:00:00.000Z';
export const conversation = '19:vardval@thread.tacv2';

function member(userId: string, name: string, role: CouncilMember['role'], extra: Partial<CouncilMember> = {}): Omit<CouncilMember, 'councilId'> {
  return { userId, aadObjectId: null, name, email: null, role, organisation: null, addedAt: at, ...extra };
}

/**
 * A council whose member Björn Berg (29:bjorn, Entra aad-bjorn) is named in every table that can
 * name a person, beside Anna Ek, Sara Sekreterare and the chair Åsa Ordförande: three meetings
 * (m1 and m2 held and closed, m3 planned), polls named and secret, a nomination round, his
 * personal chat, turn state and jobs waiting in the outbox. Returns the council's id.
 */
export async function seedCouncil(store: Store, db: Kysely<Database>): Promise<string> {
  const council = await store.councils.create(
    { id: randomUUID(), conversationId: conversation, tenantId: 't1', name: 'Vårdvalsråd', locale: 'sv', timeZone: 'Europe/Stockholm', createdBy: '29:chair', createdAt: at },
    [
      member('29:chair', 'Åsa Ordförande', 'chair', { aadObjectId: 'aad-chair' }),
      member('29:sara', 'Sara Sekreterare', 'secretary'),
      member('29:bjorn', 'Björn Berg', 'member', { aadObjectId: 'aad-bjorn', email: 'bjorn@region.se', organisation: 'Vårdcentralen Norr' }),
      member('29:anna', 'Anna Ek', 'member', { email: 'anna@region.se' }),
    ],
  );
  await seedPerson(db, council!.id);
  return council!.id;
}

async function seedPerson(db: Kysely<Database>, councilId: string): Promise<void> {
  const meeting = (id: string, day: string, status: string) => ({
    id,
    council_id: councilId,
    title: 'Vårdvalsråd',
    starts_at: `${day}T11:00:00.000Z`,
    ends_at: `${day}T13:00:00.000Z`,
    place: 'Regionens hus',
    online: 0,
    online_url: null,
    status,
    external_event_id: null,
    agenda_card_activity_id: null,
    created_by: '29:sara',
    created_at: at,
    updated_at: at,
    version: 1,
    current_item_id: null,
    opened_at: `${day}T11:00:00.000Z`,
    closed_at: status === 'planned' ? null : `${day}T13:00:00.000Z`,
  });
  await db.insertInto('meetings').values([meeting('m1', '2026-10-01', 'closed'), meeting('m2', '2026-11-05', 'closed'), meeting('m3', '2026-12-10', 'planned')]).execute();
  for (const m of ['m1', 'm2']) {
    await db
      .insertInto('agenda_items')
      .values({ id: `${m}-i1`, meeting_id: m, position: 0, level: 0, title: 'Plan för tillgänglighet', kind: 'decision', duration_minutes: 30, fixed_start: null, presenters: JSON.stringify(['Björn Berg', 'Anna Ek']), description: null, links: '[]', standing: null, carried_from: null, label: null })
      .execute();
    await db
      .insertInto('attendance')
      .values(['29:bjorn', '29:anna'].map((u) => ({ meeting_id: m, user_id: u, status: 'present', marked_by: '29:sara', marked_at: at, reason: null, reason_at: null })))
      .execute();
    await db
      .insertInto('decisions')
      .values({ id: `${m}-d1`, meeting_id: m, agenda_item_id: `${m}-i1`, item_number: '1', item_title: 'Plan för tillgänglighet', text: 'Rådet antar planen.', outcome: 'decided', reason: null, vote_for: null, vote_against: null, vote_abstain: null, recorded_by: '29:sara', recorded_at: at, client_key: `${m}-d1`, version: 1, card_activity_id: null })
      .execute();
    await db.insertInto('reservations').values({ decision_id: `${m}-d1`, meeting_id: m, user_id: '29:bjorn', text: 'Jag reserverar mig.', created_at: at }).execute();
    await db.insertInto('protocol_notes').values({ id: `${m}-n1`, meeting_id: m, item_id: `${m}-i1`, decision_id: `${m}-d1`, user_id: '29:anna', text: 'Anna vill ha det antecknat.', created_at: at, client_key: `${m}-n1` }).execute();
  }
  await db.insertInto('item_notes').values({ id: 'note1', meeting_id: 'm2', item_id: 'm2-i1', text: 'Underlaget skickas ut i förväg.', written_by: '29:bjorn', written_at: at, client_key: 'note1' }).execute();
  await db.insertInto('regrets').values({ meeting_id: 'm3', user_id: '29:bjorn', note: 'Sjuk den dagen', created_at: at }).execute();
  const action = (id: string, owner: string, ownerName: string, createdBy: string, text: string) => ({
    id, council_id: councilId, meeting_id: 'm2', agenda_item_id: 'm2-i1', owner_user_id: owner, owner_name: ownerName, text, due_date: null, status: 'open', created_by: createdBy, created_at: at, completed_at: null, client_key: id, version: 1,
  });
  await db.insertInto('action_items').values([action('a1', '29:bjorn', 'Björn Berg', '29:sara', 'Ta fram underlag'), action('a2', '29:anna', 'Anna Ek', '29:bjorn', 'Boka lokal')]).execute();
  await db.insertInto('action_comments').values({ id: 'ac1', action_item_id: 'a1', user_id: '29:bjorn', text: 'Påbörjat.', created_at: at, client_key: 'ac1' }).execute();
  const poll = (id: string, anonymous: number, status: string) => ({
    id, council_id: councilId, meeting_id: 'm1', agenda_item_id: 'm1-i1', question: 'Ska planen antas?', options: JSON.stringify([{ id: 'yes', text: 'Ja' }, { id: 'no', text: 'Nej' }]), max_choices: 1, anonymous, results_visibility: 'afterClose', deadline: null, remind_before_minutes: null, status, created_by: '29:sara', created_at: at, closed_at: status === 'closed' ? at : null, activity_id: null, client_key: id, version: 1, tally: null, card_claimed_until: null,
  });
  await db.insertInto('polls').values([poll('poll-named', 0, 'closed'), poll('poll-secret', 1, 'open')]).execute();
  await db
    .insertInto('poll_ballots')
    .values([
      { poll_id: 'poll-named', voter_key: '29:bjorn', choices: '["yes"]', voter_id: '29:bjorn', voted_at: at },
      { poll_id: 'poll-named', voter_key: '29:anna', choices: '["no"]', voter_id: '29:anna', voted_at: at },
      { poll_id: 'poll-secret', voter_key: 'secret-ballot-key', choices: '["no"]', voter_id: null, voted_at: null },
    ])
    .execute();
  await db.insertInto('nomination_rounds').values({ id: 'r1', council_id: councilId, meeting_id: 'm2', agenda_item_id: null, name: 'Arbetsgrupp', purpose: 'Två platser', seats: 2, deadline: null, self_nomination: 1, criteria: null, status: 'open', created_by: '29:sara', created_at: at, closed_at: null, poll_id: null, activity_id: null, client_key: 'r1', version: 1 }).execute();
  await db
    .insertInto('nominations')
    .values([
      { id: 'n1', round_id: 'r1', nominee_user_id: '29:bjorn', nominee_name: 'Björn Berg', nominee_email: 'bjorn@region.se', nominated_by: '29:anna', motivation: 'Kan vårdvalet', consent: 'accepted', selected: 0, created_at: at, answered_at: at },
      { id: 'n2', round_id: 'r1', nominee_user_id: '29:anna', nominee_name: 'Anna Ek', nominee_email: 'anna@region.se', nominated_by: '29:bjorn', motivation: 'Erfaren', consent: 'pending', selected: 0, created_at: at, answered_at: null },
    ])
    .execute();
  await db.insertInto('reminder_opt_outs').values({ council_id: councilId, user_id: '29:bjorn', created_at: at }).execute();
  await db.insertInto('minutes_comments').values({ id: 'c1', meeting_id: 'm2', user_id: '29:bjorn', version: 1, text: 'Mitt namn är felstavat.', client_key: 'c1', created_at: at }).execute();
  const reference = (conversationId: string, user: { id: string; name: string; aadObjectId?: string }) => JSON.stringify({ bot: { id: '28:bot', name: 'Rådsassistenten' }, conversation: { id: conversationId }, user, channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/' });
  await db
    .insertInto('conversations')
    .values([
      { conversation_id: 'a:personal-bjorn', tenant_id: 't1', kind: 'personal', reference: reference('a:personal-bjorn', { id: '29:bjorn', name: 'Björn Berg' }), updated_at: at },
      { conversation_id: conversation, tenant_id: 't1', kind: 'channel', reference: reference(conversation, { id: '29:bjorn', name: 'Björn Berg', aadObjectId: 'aad-bjorn' }), updated_at: at },
    ])
    .execute();
  await db
    .insertInto('bot_state')
    .values([
      { key: 'msteams/bot/users/29:bjorn', data: '{"language":"sv"}', etag: '1', updated_at: at },
      { key: 'msteams/bot/conversations/a:personal-bjorn', data: '{"draft":"Mitt utkast"}', etag: '1', updated_at: at },
      { key: `msteams/bot/conversations/${conversation}`, data: '{"lastSpeaker":"29:bjorn"}', etag: '1', updated_at: at },
    ])
    .execute();
  const job = (key: string, userId: string, sent: string | null) => ({
    id: randomUUID(), key, kind: 'justeringAsk', payload: JSON.stringify({ meetingId: 'm2', version: 1, userId }), due_at: at, attempts: 0, lease_until: null, sent_at: sent, last_error: null, created_at: at, parked_at: null, lease_owner: null, lease_started: null, lease_pid: null,
  });
  await db.insertInto('outbox').values([job('justering-ask:m2:1:29:bjorn', '29:bjorn', null), job('justering-ask:m2:1:29:anna', '29:anna', null), job('justering-ask:m1:1:29:bjorn', '29:bjorn', at)]).execute();
}
