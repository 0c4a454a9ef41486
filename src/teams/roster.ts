import { TeamsInfo, type TurnContext } from 'botbuilder';
import { type RosterSyncPayload, rosterSyncJob } from '../app/conversation-jobs.js';
import type { RosterEntry } from '../app/ports.js';
import { storableText } from '../domain/storable-text.js';
import type { TurnKit } from './turn-kit.js';

const MAX_PAGES = 50;

/** The conversation's people, through the connector's paged members API. */
export async function fetchRoster(context: TurnContext): Promise<RosterEntry[]> {
  const roster: RosterEntry[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await TeamsInfo.getPagedMembers(context, 500, token);
    for (const m of result.members ?? []) {
      if (m.id === context.activity.recipient.id) continue;
      roster.push({
        userId: m.id,
        aadObjectId: m.aadObjectId ?? null,
        name: storableText(m.name || m.givenName || m.email || m.id),
        email: m.email ? storableText(m.email) : null,
      });
    }
    token = result.continuationToken || undefined;
    if (!token) break;
  }
  return roster;
}

/** The roster Teams did not give within the turn, fetched and synced by the outbox instead. */
export async function queueRosterSync(kit: TurnKit, payload: RosterSyncPayload): Promise<void> {
  const at = kit.deps.clock.now().toISOString();
  await kit.deps.store.outbox.enqueue([rosterSyncJob(payload, kit.deps.newId(), at)], at);
  kit.wakeOutbox();
}
