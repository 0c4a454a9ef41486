import { z } from 'zod';
import { sendRegrets } from '../app/agendas.js';
import { setMyReminders, setReminderPolicy } from '../app/reminders.js';
import { RuleError } from '../domain/errors.js';
import { utcToZoned } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { type CardAction, defineAction } from './card-action.js';
import { id } from './card-fields.js';
import type { CommandTurn } from './command-handlers.js';
import { reminderCard } from './reminder-views.js';
import { respondWithCard } from './replies.js';
import type { TurnKit } from './turn-kit.js';
import { councilConversationId } from './activity.js';

export function todayIn(kit: TurnKit, timeZone: string): string {
  return utcToZoned(kit.deps.clock.now().toISOString(), timeZone).date;
}

/** "påminnelser" (the policy), "påminnelser av|på" (one's own), "påminnelser: 7 1 kl 08.00" (the chair). */
export async function remindersCommand(turn: CommandTurn, args: string): Promise<void> {
  const activity = turn.context.activity;
  const deps = turn.kit.meetingDeps;
  const value = args.trim().toLocaleLowerCase('sv');
  const actor = { conversationId: councilConversationId(activity), actorId: activity.from.id };
  if (/^(av|off)$/.test(value) || /^(på|on)$/.test(value)) {
    const on = /^(på|on)$/.test(value);
    await setMyReminders(deps, { ...actor, on });
    await turn.context.sendActivity(t(turn.locale, on ? 'reminder.on' : 'reminder.off'));
    return;
  }
  if (value === '') {
    const council = turn.council?.council ?? (await deps.councils.findByConversation(councilConversationId(activity)));
    if (!council) throw new RuleError('error.notSetUp');
    await turn.context.sendActivity(policyText(turn, council.reminderPolicy));
    return;
  }
  // "7 1 kl 08.00", "7, 1 at 8:00", "ingen" / "none"
  const none = /^(ingen|inga|none)$/.test(value);
  const time = /(?:kl\.?|at)\s*(\d{1,2})[.:](\d{2})/.exec(value);
  const days = none ? [] : [...value.replace(/(?:kl\.?|at)\s*\d{1,2}[.:]\d{2}/, '').matchAll(/\d+/g)].map((m) => Number(m[0]));
  // Words that are neither days, a time nor "ingen" change nothing.
  if (!none && days.length === 0 && !time) throw new RuleError('error.reminderDays', { max: 60 });
  if (!none && /[^\d\s,.:]/.test(value.replace(/(?:kl\.?|at)\s*\d{1,2}[.:]\d{2}/, '').replace(/dagar|days|och|and|före|before/g, ''))) {
    throw new RuleError('error.reminderDays', { max: 60 });
  }
  const current = turn.council?.council.reminderPolicy ?? { daysBefore: [7, 1], at: '08:00' };
  const at = time ? `${time[1]!.padStart(2, '0')}:${time[2]}` : current.at;
  const view = await setReminderPolicy(deps, { ...actor, policy: { daysBefore: days, at } });
  await turn.context.sendActivity(`${t(turn.locale, 'reminder.policySaved')} ${policyText(turn, view.council.reminderPolicy)}`);
}

function policyText(turn: CommandTurn, policy: { daysBefore: number[]; at: string }): string {
  if (policy.daysBefore.length === 0) return t(turn.locale, 'reminder.policyNone');
  const and = turn.locale === 'sv' ? ' och ' : ' and ';
  const days = policy.daysBefore.join(', ').replace(/, (\d+)$/, `${and}$1`);
  return t(turn.locale, 'reminder.policy', { days, time: turn.locale === 'sv' ? policy.at.replace(':', '.') : policy.at });
}

/** Återbud from the personal reminder, answered with the reminder as it now stands. */
const regrets = defineAction({
  verb: 'reminder.regrets',
  schema: z.object({ meetingId: id, startsAt: z.string().max(40), note: z.string().max(500).optional() }),
  async run(turn, data) {
    const agenda = await sendRegrets(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      note: data.note ?? null,
      withdraw: false,
    });
    const locale = agenda.view.council.locale;
    const myActions = await turn.kit.meetingDeps.actionItems.forOwner(agenda.view.council.id, turn.actorId, 'open');
    const card = reminderCard({ agenda, userId: turn.actorId, myActions }, todayIn(turn.kit, agenda.view.council.timeZone), {
      text: t(locale, 'agenda.regretsSaved'),
      kind: 'good',
    });
    await respondWithCard(turn.context, card);
  },
});

export const reminderActions: CardAction[] = [regrets];
