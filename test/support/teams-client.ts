import { randomUUID } from 'node:crypto';
import type { FakeConnector } from './fake-connector.js';
import { flattened } from './agenda-html.js';

export interface User {
  id: string;
  name: string;
  aadObjectId: string;
}

export function user(n: number, name: string): User {
  return { id: `29:user-${n}`, name, aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` };
}

export const BOT = { id: '28:council-bot', name: 'Rådsassistenten' };
export const TENANT = 'tenant-0001';

export interface Conversation {
  /** The chat's id, or for a channel the channel's own id (`19:…@thread.tacv2`). */
  id: string;
  type: 'channel' | 'groupChat' | 'personal';
  /** In a channel: the root post of the thread the activity belongs to. */
  thread?: string;
  name?: string;
  tenantId?: string;
  locale?: string;
}

export interface InvokeResult {
  status: number;
  body: any;
  /** The card the invoke response put in place of the clicked one, if any. */
  card?: any;
}

/** The team a test channel belongs to: the roster of a channel is the team's. */
export function teamOf(channel: Conversation): string {
  return `19:team-${channel.id}`;
}

/** The same channel, as seen from a post in the thread whose root is `root`. */
export function inThread(channel: Conversation, root: string): Conversation {
  return { ...channel, thread: root };
}

/** What Teams puts in `conversation.id`: a post in a channel's thread names the thread's root after the channel. */
export function threadId(conversation: Conversation): string {
  return conversation.thread ? `${conversation.id};messageid=${conversation.thread}` : conversation.id;
}

/** A channel's channelData as Teams sends it with every activity in the channel, whichever thread. */
function channelData(channel: Conversation): Record<string, unknown> {
  const team = teamOf(channel);
  return { teamsChannelId: channel.id, teamsTeamId: team, channel: { id: channel.id }, team: { id: team, name: 'Team' } };
}

/** Sends activities to the bot the way Teams does and reads back what it answered. */
export class TeamsClient {
  constructor(
    private readonly botUrl: () => string,
    private readonly connector: FakeConnector,
  ) {}

  base(conversation: Conversation, from: User): Record<string, any> {
    // Whoever writes in their 1:1 chat with the bot has the app personally.
    if (conversation.type === 'personal') this.connector.installFor(from);
    const tenantId = conversation.tenantId ?? TENANT;
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      locale: conversation.locale ?? 'sv-SE',
      from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
      recipient: BOT,
      conversation: {
        id: threadId(conversation),
        conversationType: conversation.type,
        isGroup: conversation.type !== 'personal',
        tenantId,
        ...(conversation.name ? { name: conversation.name } : {}),
      },
      channelData: {
        ...(conversation.type === 'channel' ? channelData(conversation) : {}),
        tenant: { id: tenantId },
      },
    };
  }

  async post(activity: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.botUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  /** A message; with `mention` it carries an <at> mention of the bot as Teams writes it. */
  async say(conversation: Conversation, from: User, text: string, options: { mention?: boolean } = {}) {
    const activity = this.base(conversation, from);
    activity.type = 'message';
    if (options.mention) {
      activity.text = `<at>${BOT.name}</at> ${text}`;
      activity.entities = [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }];
    } else {
      activity.text = text;
    }
    return this.post(activity);
  }

  /**
   * A formatted message as Teams sends it: `text` is the flattened words, and the body as Teams
   * renders it comes as a `text/html` attachment. With `mention`, both open with the bot's <at>.
   */
  async sayHtml(conversation: Conversation, from: User, html: string, options: { mention?: boolean; text?: string } = {}) {
    const activity = this.base(conversation, from);
    activity.type = 'message';
    const at = `<at>${BOT.name}</at>`;
    const text = options.text ?? flattened(html);
    activity.text = options.mention ? `${at} ${text}` : text;
    activity.attachments = [{ contentType: 'text/html', content: options.mention ? `<p>${at}&nbsp;</p>${html}` : html }];
    if (options.mention) activity.entities = [{ type: 'mention', text: at, mentioned: BOT }];
    return this.post(activity);
  }

  /**
   * A message carrying files as Teams sends them: in the 1:1 chat a `file.download.info`
   * attachment with a pre-authorised download URL, in channels and chats a `reference` to the
   * file's SharePoint or OneDrive address. `text` is what the person typed with the file.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4#receive-files-in-personal-chat
   */
  async sendFiles(conversation: Conversation, from: User, text: string, attachments: unknown[], options: { mention?: boolean } = {}) {
    const activity = this.base(conversation, from);
    activity.type = 'message';
    const at = `<at>${BOT.name}</at>`;
    activity.text = options.mention ? `${at} ${text}` : text;
    if (options.mention) activity.entities = [{ type: 'mention', text: at, mentioned: BOT }];
    activity.attachments = attachments;
    return this.post(activity);
  }

  async botAdded(conversation: Conversation, from: User) {
    const activity = this.base(conversation, from);
    activity.type = 'conversationUpdate';
    activity.membersAdded = [{ id: BOT.id }];
    activity.channelData.eventType = conversation.type === 'channel' ? 'teamMemberAdded' : undefined;
    return this.post(activity);
  }

  async membersAdded(conversation: Conversation, from: User, added: User[]) {
    const activity = this.base(conversation, from);
    activity.type = 'conversationUpdate';
    activity.membersAdded = added.map((u) => ({ id: u.id, aadObjectId: u.aadObjectId }));
    return this.post(activity);
  }

  /**
   * The app installed in or removed from the conversation, as Teams says it: an `installationUpdate`
   * whose action is add or remove, or add-upgrade / remove-upgrade when a new version replaces the old.
   */
  async installationUpdate(conversation: Conversation, from: User, action: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade') {
    const activity = this.base(conversation, from);
    activity.type = 'installationUpdate';
    activity.action = action;
    if (conversation.type === 'channel') activity.channelData.settings = { selectedChannel: { id: conversation.id } };
    return this.post(activity);
  }

  /**
   * The person adds the app for themselves (opens it once, or the admin installs it for them): Teams
   * sends an installationUpdate (add) and a conversationUpdate with the bot among membersAdded in
   * the person's 1:1 chat with the bot, neither with a `locale`; from then on the bot may open that chat.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#install-update-event
   * Returns the 1:1 chat.
   */
  async installPersonal(from: User): Promise<Conversation> {
    this.connector.installFor(from);
    const chat: Conversation = { id: this.connector.personalChatId(from.id), type: 'personal' };
    const install = this.base(chat, from);
    delete install.locale;
    install.type = 'installationUpdate';
    install.action = 'add';
    const installed = await this.post(install);
    if (installed.status >= 300) throw new Error(`installationUpdate answered ${installed.status}`);
    const added = this.base(chat, from);
    delete added.locale;
    added.type = 'conversationUpdate';
    added.membersAdded = [{ id: BOT.id }];
    const answered = await this.post(added);
    if (answered.status >= 300) throw new Error(`conversationUpdate answered ${answered.status}`);
    return chat;
  }

  /** People (or the bot itself) leaving the conversation: `teamMemberRemoved` in a team. */
  async membersRemoved(conversation: Conversation, from: User, removed: { id: string; aadObjectId?: string }[]) {
    const activity = this.base(conversation, from);
    activity.type = 'conversationUpdate';
    activity.membersRemoved = removed.map((u) => ({ id: u.id, ...(u.aadObjectId ? { aadObjectId: u.aadObjectId } : {}) }));
    if (conversation.type === 'channel') activity.channelData.eventType = 'teamMemberRemoved';
    return this.post(activity);
  }

  /**
   * A channel of the team deleted or renamed. Teams sends it in the team's General channel
   * (`generalId`) and names the channel concerned in channelData.channel.
   */
  async channelEvent(channel: Conversation, from: User, eventType: 'channelDeleted' | 'channelRenamed' | 'channelRestored', generalId: string, newName?: string) {
    const activity = this.base({ ...channel, id: generalId }, from);
    activity.type = 'conversationUpdate';
    activity.channelData = {
      ...activity.channelData,
      eventType,
      channel: { id: channel.id, ...(newName ? { name: newName } : {}) },
      team: { id: generalId, name: 'Team' },
    };
    return this.post(activity);
  }

  /** A person edited their message `messageId`: Teams sends the whole revised message as a `messageUpdate`. */
  async editMessage(conversation: Conversation, from: User, messageId: string, text: string, options: { mention?: boolean } = {}) {
    const activity = this.base(conversation, from);
    activity.type = 'messageUpdate';
    activity.id = messageId;
    activity.text = options.mention ? `<at>${BOT.name}</at> ${text}` : text;
    if (options.mention) activity.entities = [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }];
    activity.textFormat = 'plain';
    activity.channelData.eventType = 'editMessage';
    return this.post(activity);
  }

  /** A person deleted their message `messageId` (Teams keeps it restorable: a soft delete). */
  async deleteMessage(conversation: Conversation, from: User, messageId: string) {
    const activity = this.base(conversation, from);
    activity.type = 'messageDelete';
    activity.id = messageId;
    activity.channelData.eventType = 'softDeleteMessage';
    return this.post(activity);
  }

  /**
   * Presses Allow or Decline on a FileConsentCard the bot sent (`consent`, the connector call that
   * carried it), as Teams does: on Allow it opens an upload session in the person's OneDrive (on the
   * fake connector) and sends a `fileConsent/invoke` whose value is
   * { type: 'fileUpload', action, context, uploadInfo: { contentUrl, name, uploadUrl, fileType, uniqueId } },
   * the context being the card's acceptContext or declineContext.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
   */
  async fileConsent(conversation: Conversation, from: User, consent: { body: any }, action: 'accept' | 'decline') {
    const attachment = (consent.body.attachments ?? []).find((a: any) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent');
    if (!attachment) throw new Error('no file consent card in that message');
    const activity = this.base(conversation, from);
    activity.type = 'invoke';
    activity.name = 'fileConsent/invoke';
    activity.replyToId = consent.body.id ?? randomUUID();
    const uploadInfo = action === 'accept' ? this.connector.openUploadSession(from.id, attachment.name) : undefined;
    activity.value = {
      type: 'fileUpload',
      action,
      context: action === 'accept' ? attachment.content.acceptContext : attachment.content.declineContext,
      ...(uploadInfo ? { uploadInfo } : {}),
    };
    const answer = await this.post(activity);
    // The activity too, for sending it again as Teams does when it retries an invoke.
    return { ...answer, uploadInfo, activity };
  }

  /**
   * Clicks an Action.Execute as Teams does: an `adaptiveCard/action` invoke whose data is the
   * action's data merged with the card's input values, replying to the card's message.
   */
  async execute(
    conversation: Conversation,
    from: User,
    action: { verb: string; data?: Record<string, unknown> },
    inputs: Record<string, unknown> = {},
    options: { replyToId?: string; trigger?: 'manual' | 'automatic' } = {},
  ): Promise<InvokeResult> {
    const activity = this.base(conversation, from);
    activity.type = 'invoke';
    activity.name = 'adaptiveCard/action';
    activity.replyToId = options.replyToId ?? randomUUID();
    activity.value = {
      action: { type: 'Action.Execute', id: randomUUID(), verb: action.verb, data: { ...(action.data ?? {}), ...inputs } },
      trigger: options.trigger ?? 'manual',
    };
    const { status, body } = await this.post(activity);
    const card = body?.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined;
    return { status, body, card };
  }
}

/** The Adaptive Card in a connector call's activity body. */
export function cardOf(body: any): any {
  return body?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** Every element and action of a card, depth first, including those inside ShowCard actions. */
export function walkCard(card: any): any[] {
  const out: any[] = [];
  const visit = (node: any) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string') out.push(node);
    for (const key of ['body', 'items', 'columns', 'actions', 'card', 'inlineAction']) visit(node[key]);
  };
  visit(card);
  return out;
}

export function findAction(card: any, verb: string): any {
  const action = walkCard(card).find((n) => n.type === 'Action.Execute' && n.verb === verb);
  if (!action) throw new Error(`no Action.Execute with verb ${verb} on the card`);
  return action;
}

/** Every visible string of a card (texts, titles, labels, facts, rich text runs), in order. */
export function cardTexts(card: any): string[] {
  return walkCard(card)
    .flatMap((n) => [
      n.text,
      n.title,
      n.label,
      ...(n.inlines ?? []).map((i: any) => (typeof i === 'string' ? i : i.text)),
      ...(n.facts ?? []).flatMap((f: any) => [f.title, f.value]),
    ])
    .filter((s) => typeof s === 'string');
}

export function cardText(card: any): string {
  return cardTexts(card).join('\n');
}

/** What the bot sent in a conversation, a message's text or a card's visible text each, a line apiece. */
export function sentText(connector: FakeConnector, conversationId: string): string {
  return connector
    .sent(conversationId)
    .map((c) => c.body.text ?? cardText(cardOf(c.body)))
    .join('\n');
}
