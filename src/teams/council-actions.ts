import { z } from 'zod';
import { type CouncilView, addGuest, changeRole, removeGuest, requireCouncil, setUpCouncil } from '../app/councils.js';
import { COUNCIL_NAME_MAX, LOCALES, isGuestId } from '../domain/council.js';
import { matchMember, requireOneMember } from '../domain/member-match.js';
import { RuleError } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { actorOf, conversationKind, tenantOf } from './activity.js';
import { queueRosterSync } from './roster.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { optionalText, version } from './card-fields.js';
import { respondWithCard } from './replies.js';
import { replaceCardForAll } from './shared-card.js';
import { type Notice, councilCard } from './views.js';
import { withNextStep } from './next-step.js';


async function freshCouncilCard(turn: ActionTurn, notice: Notice) {
  const view = await requireCouncil(turn.kit.councilDeps, turn.conversationId);
  return councilCard(view, turn.actorId, view.council.locale, notice);
}

/** A change everybody should see: the shared card is replaced, the actor gets their own view. */
async function answerChange(turn: ActionTurn, view: CouncilView): Promise<void> {
  const locale = view.council.locale;
  await replaceCardForAll(turn, councilCard(view, undefined, locale));
  await respondWithCard(turn.context, councilCard(view, turn.actorId, locale, { text: t(locale, 'council.updated'), kind: 'good' }));
}

const setup = defineAction({
  verb: 'council.setup',
  schema: z.object({
    name: z.string().trim().min(1).max(COUNCIL_NAME_MAX),
    locale: z.enum(LOCALES),
    timeZone: z.string().trim().min(1).max(64),
  }),
  async run(turn, input) {
    const { context, kit } = turn;
    if (conversationKind(context.activity) === 'personal') throw new RuleError('error.personalOnlyCouncil');
    if (turn.council) {
      // A retried or second click: show the council instead of an error.
      const { council } = turn.council;
      const notice: Notice = { text: t(council.locale, 'welcome.alreadySetUp', { name: council.name }), kind: 'warning' };
      await respondWithCard(context, councilCard(turn.council, turn.actorId, council.locale, notice));
      return;
    }
    const roster = await kit.rosterInTime(context);
    const view = await setUpCouncil(kit.councilDeps, {
      conversationId: turn.conversationId,
      tenantId: tenantOf(context.activity),
      name: input.name,
      locale: input.locale,
      timeZone: input.timeZone,
      actor: actorOf(context.activity),
      roster: roster ?? [],
    });
    // Teams slow to give the roster: the council is set up now, its members follow from the outbox onto the card.
    if (!roster) await queueRosterSync(kit, { conversationId: view.council.conversationId, ...(context.activity.replyToId ? { cardActivityId: context.activity.replyToId } : {}) });
    const chair = view.members.find((m) => m.role === 'chair')?.name ?? '';
    const said = roster ? t(view.council.locale, 'setup.done', { chair, count: view.members.length }) : t(view.council.locale, 'setup.doneRosterLater', { chair });
    const text = withNextStep(view.council.locale, said, 'afterSetup');
    const notice: Notice = { text, kind: 'good' };
    kit.deps.logger.info({ council: view.council.id, members: view.members.length }, 'council set up');
    await replaceCardForAll(turn, councilCard(view, undefined, view.council.locale, notice));
    await respondWithCard(context, councilCard(view, turn.actorId, view.council.locale, notice));
  },
});

const show = defineAction({
  verb: 'council.show',
  schema: z.object({}),
  async run(turn) {
    if (!turn.council) throw new RuleError('error.notSetUp');
    // Answered only to the one who asked (also for automatic refresh): updating the shared
    // message here would make every viewer's refresh trigger another.
    await respondWithCard(turn.context, councilCard(turn.council, turn.actorId, turn.council.council.locale));
  },
});

/** The member a typed name means, among the council's people (guests have no role to change). */
async function byName(turn: ActionTurn, name: string): Promise<string> {
  const view = await requireCouncil(turn.kit.councilDeps, turn.conversationId);
  return requireOneMember(matchMember(name, view.members.filter((m) => !isGuestId(m.userId))), name).userId;
}

const setRole = defineAction({
  verb: 'council.setRole',
  schema: z
    .object({
      version,
      // From the list of members; a large council's card has a name field instead (userName).
      userId: z.string().min(1).max(256).optional(),
      userName: z.string().trim().min(1).max(200).optional(),
      role: z.enum(['chair', 'secretary', 'member']),
    })
    .refine((d) => d.userId !== undefined || d.userName !== undefined),
  async run(turn, input) {
    const targetUserId = input.userId ?? (await byName(turn, input.userName ?? ''));
    const view = await changeRole(turn.kit.councilDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      targetUserId,
      role: input.role,
      expectedVersion: input.version,
    });
    await answerChange(turn, view);
  },
  freshCard: freshCouncilCard,
});

const addGuestAction = defineAction({
  verb: 'council.addGuest',
  schema: z.object({
    version,
    guestName: z.string().trim().min(1).max(120),
    guestOrganisation: optionalText(120),
    guestEmail: z
      .union([z.literal(''), z.string().trim().email().max(320)])
      .optional()
      .transform((v) => (v ? v : null)),
  }),
  async run(turn, input) {
    const view = await addGuest(turn.kit.councilDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      name: input.guestName,
      organisation: input.guestOrganisation,
      email: input.guestEmail,
      expectedVersion: input.version,
    });
    await answerChange(turn, view);
  },
  freshCard: freshCouncilCard,
});

const removeGuestAction = defineAction({
  verb: 'council.removeGuest',
  schema: z.object({ version, guestUserId: z.string().min(1).max(256) }),
  async run(turn, input) {
    const view = await removeGuest(turn.kit.councilDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      guestUserId: input.guestUserId,
      expectedVersion: input.version,
    });
    await answerChange(turn, view);
  },
  freshCard: freshCouncilCard,
});

export const councilActions: CardAction[] = [setup, show, setRole, addGuestAction, removeGuestAction];
