import { type Activity, TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai/lib/Application.js';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import { membersLeft } from '../app/councils.js';
import { t } from '../i18n/index.js';
import { conversationKind, councilConversationId } from './activity.js';
import { parseCommand } from './commands.js';
import type { TurnKit } from './turn-kit.js';

/**
 * What Teams tells the bot about its conversations' lives: the app removed and added again, a
 * channel deleted or renamed, people leaving, messages edited or deleted. A council whose
 * conversation is gone is marked not reachable, its data kept; adding the app again brings it back.
 */
export function lifecycleRoutes(app: Application<TurnState>, kit: TurnKit): void {
  const { logger } = kit.deps;

  app.activity('installationUpdate', async (context) => {
    const action = String((context.activity as Activity & { action?: string }).action ?? '');
    if (conversationKind(context.activity) === 'personal') {
      // The person added the app for themselves (or the admin did): their personal cards reach them from now on.
      if (action.startsWith('add')) await personallyInstalled(kit, context.activity.from.id);
      return;
    }
    const conversationId = councilConversationId(context.activity);
    // 'remove-upgrade' and 'add-upgrade' come with a new version of the app: gone, or back, all the same.
    if (action.startsWith('remove')) await gone(kit, conversationId, `installationUpdate ${action}`);
    else if (action.startsWith('add')) await reachable(kit, conversationId, `installationUpdate ${action}`);
  });

  app.conversationUpdate('channelDeleted', async (context) => {
    const channelId = channelOf(context.activity);
    if (channelId) await gone(kit, channelId, 'channelDeleted');
  });

  app.conversationUpdate('channelRestored', async (context) => {
    const channelId = channelOf(context.activity);
    if (channelId) await reachable(kit, channelId, 'channelRestored');
  });

  // The council's name is the chair's choice, not the channel's: a renamed channel keeps its council as it is.
  app.conversationUpdate('channelRenamed', async (context) => {
    const channelId = channelOf(context.activity);
    const council = channelId ? await kit.councilDeps.councils.findByConversation(channelId) : undefined;
    if (council) logger.info({ council: council.id }, 'the council’s channel was renamed; the council keeps its name');
  });

  app.conversationUpdate('membersRemoved', async (context) => {
    const activity = context.activity;
    const removed = (activity.membersRemoved ?? []).map((m) => m.id);
    if (removed.includes(activity.recipient.id)) {
      await gone(kit, councilConversationId(activity), 'bot removed from the conversation');
      return;
    }
    await peopleLeft(context, kit, removed);
  });

  // An edit or a deletion does not change what was recorded: minutes must not shift under the
  // council. An edited decision gets a word in the chat, so nobody believes the record followed.
  app.messageEventUpdate('editMessage', async (context) => {
    // The SDK takes the bot's @mention out of messages only; an edit may still carry it.
    const command = parseCommand(TurnContext.removeRecipientMention(context.activity) ?? context.activity.text);
    if (command?.kind !== 'decision') return;
    const { view, locale } = await kit.councilAndLocale(context.activity);
    if (view) await context.sendActivity(t(locale, 'decision.editedMessage'));
  });
  app.messageEventUpdate('softDeleteMessage', async () => {});
  app.messageEventUpdate('undeleteMessage', async () => {});
}

function channelOf(activity: Activity): string | undefined {
  return (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
}

/** Whoever installs the app for themselves can be sent their cards again: no council counts them as unreached. */
export async function personallyInstalled(kit: TurnKit, userId: string): Promise<void> {
  await kit.councilDeps.councils.markReached(userId);
}

async function gone(kit: TurnKit, conversationId: string, why: string): Promise<void> {
  const council = await kit.councilDeps.councils.setUnreachable(conversationId, kit.deps.clock.now().toISOString());
  if (council) kit.deps.logger.info({ council: council.id, why }, 'council not reachable: the bot is no longer in its conversation; its data is kept');
}

/** The app is back in the conversation: its council, if it had one, is reachable again with all it had. */
export async function reachable(kit: TurnKit, conversationId: string, why: string): Promise<void> {
  const before = await kit.councilDeps.councils.findByConversation(conversationId);
  if (!before?.unreachableSince) return;
  await kit.councilDeps.councils.setUnreachable(conversationId, null);
  kit.deps.logger.info({ council: before.id, why }, 'council reachable again');
}

async function peopleLeft(context: TurnContext, kit: TurnKit, userIds: string[]): Promise<void> {
  const result = await membersLeft(kit.councilDeps, { conversationId: councilConversationId(context.activity), userIds });
  if (!result || result.left.length === 0) return;
  const { locale } = await kit.councilAndLocale(context.activity);
  kit.deps.logger.info({ left: result.left.length, successor: result.successor !== undefined }, 'members left the council’s conversation');
  if (!result.chairless) return;
  const left = result.left.map((m) => m.name).join(', ');
  if (result.successor) await context.sendActivity(t(locale, 'council.chairLeft', { left, successor: result.successor.name }));
  else await context.sendActivity(t(locale, 'council.noChairLeft', { left }));
}
