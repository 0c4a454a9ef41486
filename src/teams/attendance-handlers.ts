import { z } from 'zod';
import { addMeetingGuest, markMeetingAttendance, meetingAttendance, removeMeetingGuest } from '../app/attendance.js';
import { requireCouncil, setQuorumRule } from '../app/councils.js';
import { MARKED_STATUSES, type QuorumRule } from '../domain/attendance.js';
import { t } from '../i18n/index.js';
import { attendanceCard, attendanceChoiceCard, quorumRuleText } from './attendance-views.js';
import { type CardAction, defineAction } from './card-action.js';
import { id, optionalText } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity, respondWithCard } from './replies.js';
import { councilConversationId } from './activity.js';

export async function attendanceCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const found = await meetingAttendance(turn.kit.meetingDeps, { conversationId: councilConversationId(activity) });
  if (found.choose) {
    const { council } = found.choose.view;
    await turn.context.sendActivity(cardActivity(attendanceChoiceCard(council.locale, council.timeZone, found.choose.meetings)));
    return;
  }
  // Marking is per person, so the card shows the viewer's own actions; others see the state.
  await turn.context.sendActivity(cardActivity(attendanceCard(found.attendance, activity.from.id)));
}

const status = z.enum(MARKED_STATUSES);

/** The answer to "which meeting?": that meeting's attendance. */
const show = defineAction({
  verb: 'attendance.show',
  schema: z.object({ meetingId: id }),
  async run(turn, data) {
    const found = await meetingAttendance(turn.kit.meetingDeps, { conversationId: turn.conversationId, meetingId: data.meetingId });
    await respondWithCard(turn.context, attendanceCard(found.attendance!, turn.actorId));
  },
});

const save = defineAction({
  verb: 'attendance.save',
  // The card's inputs are s0, s1, … in the order of `userIds`, which the card carries.
  schema: z
    .object({ meetingId: id, userIds: z.array(z.string().min(1).max(256)).max(50) })
    .catchall(z.unknown())
    .transform((d) => ({
      meetingId: d.meetingId,
      marks: d.userIds.flatMap((userId, i) => {
        const parsed = status.safeParse(d[`s${i}`]);
        return parsed.success ? [{ userId, status: parsed.data }] : [];
      }),
    })),
  async run(turn, data) {
    const result = await markMeetingAttendance(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      marks: data.marks,
    });
    const notice = { text: t(result.view.council.locale, 'attendance.saved'), kind: 'good' as const };
    await respondWithCard(turn.context, attendanceCard(result, turn.actorId, notice));
  },
});

const addGuest = defineAction({
  verb: 'attendance.addGuest',
  schema: z.object({ meetingId: id, gName: z.string().max(50_000).default(''), gOrg: optionalText(50_000) }),
  async run(turn, data) {
    const result = await addMeetingGuest(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      name: data.gName,
      organisation: data.gOrg,
    });
    const added = result.guests.find((g) => g.name.toLocaleLowerCase('sv') === data.gName.replace(/\s+/g, ' ').trim().toLocaleLowerCase('sv'));
    const notice = { text: t(result.view.council.locale, 'attendance.guestAdded', { name: added?.name ?? '' }), kind: 'good' as const };
    await respondWithCard(turn.context, attendanceCard(result, turn.actorId, notice));
  },
});

const removeGuest = defineAction({
  verb: 'attendance.removeGuest',
  schema: z.object({ meetingId: id, guestId: id }),
  async run(turn, data) {
    const result = await removeMeetingGuest(turn.kit.meetingDeps, { conversationId: turn.conversationId, actorId: turn.actorId, ...data });
    const notice = { text: t(result.view.council.locale, 'attendance.guestRemoved'), kind: 'good' as const };
    await respondWithCard(turn.context, attendanceCard(result, turn.actorId, notice));
  },
});

/** "beslutförhet 5" / "beslutförhet majoritet" / "beslutförhet av"; without a value, the rule as it is. */
export async function quorumCommand(turn: CommandTurn, args: string): Promise<void> {
  const activity = turn.context.activity;
  const value = args.trim().toLocaleLowerCase('sv');
  if (value === '') {
    const view = await requireCouncil(turn.kit.councilDeps, councilConversationId(activity));
    await turn.context.sendActivity(quorumRuleText(turn.locale, view.council.quorumRule));
    return;
  }
  const rule = parseQuorumValue(value);
  if (!rule) {
    await turn.context.sendActivity(t(turn.locale, 'error.quorumUnclear'));
    return;
  }
  const view = await setQuorumRule(turn.kit.councilDeps, { conversationId: councilConversationId(activity), actorId: activity.from.id, rule });
  await turn.context.sendActivity(`${t(turn.locale, 'quorum.saved')} ${quorumRuleText(turn.locale, view.council.quorumRule)}`);
}

function parseQuorumValue(value: string): QuorumRule | undefined {
  if (/^(majoritet|majority|mer än hälften|more than half|standard|default)$/.test(value)) return { kind: 'majority' };
  if (/^(av|off|ingen|none)$/.test(value)) return { kind: 'off' };
  const count = /^(minst |at least )?(\d{1,4})$/.exec(value);
  return count ? { kind: 'minimum', count: Number(count[2]) } : undefined;
}

export const attendanceActions: CardAction[] = [save, show, addGuest, removeGuest];
