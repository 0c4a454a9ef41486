import { z } from 'zod';
import { meetingAgenda } from '../app/agendas.js';
import { liveCardJobs } from '../app/conversation-jobs.js';
import { AmbiguousTimeError, cancelMeeting, updateMeeting, upcomingMeetings } from '../app/meetings.js';
import { formatMeetingWhen } from '../domain/meeting-time.js';
import { t } from '../i18n/index.js';
import { freshAgenda, target, updatePostedCard } from './agenda-actions.js';
import { agendaCard } from './agenda-views.js';
import { type CardAction, defineAction } from './card-action.js';
import { date, flag, fold, id, optionalText, time, version } from './card-fields.js';
import { meetingsCard, timeChoiceCard } from './meeting-views.js';
import { respondWithCard } from './replies.js';
import type { Notice } from './views.js';

/** Changing or cancelling a meeting from its agenda card. */
const updateMeetingAction = defineAction({
  verb: 'meeting.update',
  schema: z.object({
    meetingId: id,
    version,
    mDate: date,
    mStart: time,
    mEnd: time,
    mPlace: optionalText(300),
    mOnline: flag,
    mTitle: optionalText(200),
    startFold: fold,
    endFold: fold,
  }),
  async run(turn, data) {
    const meeting = { date: data.mDate, start: data.mStart, end: data.mEnd, place: data.mPlace, online: data.mOnline, title: data.mTitle };
    try {
      await updateMeeting(turn.kit.meetingDeps, {
        ...target(turn, data),
        meeting: { ...meeting, startFold: data.startFold, endFold: data.endFold },
      });
    } catch (err) {
      if (!(err instanceof AmbiguousTimeError)) throw err;
      const locale = turn.council?.council.locale ?? turn.locale;
      await respondWithCard(turn.context, timeChoiceCard(locale, meeting, err.times, 'meeting.update', { ...data }));
      return;
    }
    const agenda = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, data.meetingId);
    await updatePostedCard(turn, agenda);
    const notice: Notice = { text: t(agenda.view.council.locale, 'meeting.updated'), kind: 'good' };
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
  },
  freshCard: freshAgenda,
});

const cancelMeetingAction = defineAction({
  verb: 'meeting.cancel',
  schema: z.object({ meetingId: id, version }),
  async run(turn, data) {
    const { view, meeting } = await cancelMeeting(turn.kit.meetingDeps, target(turn, data));
    const locale = view.council.locale;
    const when = formatMeetingWhen(meeting.startsAt, meeting.endsAt, locale, view.council.timeZone);
    const upcoming = await upcomingMeetings(turn.kit.meetingDeps, turn.conversationId);
    const notice: Notice = { text: t(locale, 'meeting.cancelled', { when }), kind: 'warning' };
    const card = meetingsCard(view.council, upcoming.meetings, upcoming.more, locale, { notice });
    // The posted agenda of a cancelled meeting must not linger as if it were still on: its update
    // (through the outbox, like every update of it) shows the meetings still planned.
    const at = turn.kit.deps.clock.now().toISOString();
    await turn.kit.meetingDeps.outbox.enqueue(liveCardJobs(meeting, at), at);
    turn.kit.wakeOutbox();
    await respondWithCard(turn.context, card);
  },
  freshCard: freshAgenda,
});

export const meetingEditActions: CardAction[] = [updateMeetingAction, cancelMeetingAction];
