import { z } from 'zod';
import { markMeetingAttendance, meetingAttendance } from '../app/attendance.js';
import { ATTENDANCE_STATUSES } from '../domain/attendance.js';
import { t } from '../i18n/index.js';
import { attendanceCard } from './attendance-views.js';
import { type CardAction, defineAction } from './card-action.js';
import { id } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { cardActivity, respondWithCard } from './replies.js';

export async function attendanceCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const data = await meetingAttendance(turn.kit.meetingDeps, { conversationId: activity.conversation.id });
  // Marking is per person, so the card shows the viewer's own actions; others see the state.
  await turn.context.sendActivity(cardActivity(attendanceCard(data, activity.from.id)));
}

const status = z.enum(ATTENDANCE_STATUSES);

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

export const attendanceActions: CardAction[] = [save];
