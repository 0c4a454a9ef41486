import { meetingForMinutes, minutesOf } from '../app/minutes.js';
import { minutesFileStem } from '../domain/minutes.js';
import { minutesDocx } from '../export/minutes-docx.js';
import { minutesMarkdown } from '../export/minutes-markdown.js';
import { t } from '../i18n/index.js';
import type { CommandTurn } from './command-handlers.js';

/**
 * "protokoll" / "minutes": the secretary gets the draft minutes of the meeting just held (or
 * running) as Word and Markdown in the council's minutes library; each run is a new version.
 */
export async function minutesCommand(turn: CommandTurn): Promise<void> {
  const activity = turn.context.activity;
  const library = turn.kit.deps.minutesLibrary;
  const agenda = await meetingForMinutes(turn.kit.meetingDeps, { conversationId: activity.conversation.id, actorId: activity.from.id });
  const minutes = await minutesOf(turn.kit.meetingDeps, agenda);
  const stem = minutesFileStem(minutes, true);
  const folder = minutes.date.slice(0, 4);
  const docx = await minutesDocx(minutes, { draft: true });
  const markdown = Buffer.from(minutesMarkdown(minutes, { draft: true }), 'utf8');
  const site = agenda.view.council.name;
  const [word, text] = await Promise.all([
    library.upload(site, folder, `${stem}.docx`, docx, 'version'),
    library.upload(site, folder, `${stem}.md`, markdown, 'version'),
  ]);
  const locale = agenda.view.council.locale;
  await turn.context.sendActivity(t(locale, 'minutes.saved', { word: word.name, markdown: text.name, where: `${site}/${folder}` }));
}
