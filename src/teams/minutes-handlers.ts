import { meetingForMinutes, saveMinutesFiles } from '../app/minutes.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';

/**
 * "protokoll" / "minutes": the secretary gets the draft minutes of the meeting just held (or
 * running) as Word and Markdown in the council's minutes library; each run is a new version.
 */
export async function minutesCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const deps = turn.kit.minutesDeps;
  const agenda = await meetingForMinutes(deps, { conversationId: activity.conversation.id, actorId: activity.from.id });
  const record = await deps.justering.find(agenda.meeting.id);
  const saved = await saveMinutesFiles(deps, agenda, { draft: record?.status !== 'approved' });
  await turn.context.sendActivity(t(agenda.view.council.locale, 'minutes.saved', { word: saved.word.name, markdown: saved.markdown.name, where: saved.folder }));
}
