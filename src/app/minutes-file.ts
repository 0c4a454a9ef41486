import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { minutesFileStem } from '../domain/minutes.js';
import { type AgendaView, load } from './agenda-view.js';
import { type CouncilView, councilById, roleOf } from './councils.js';
import { type MinutesDeps, meetingForMinutes, minutesOf, saveMinutesFiles } from './minutes.js';

/** The Word minutes of one meeting as they stand now, for one person to have. */
export interface MinutesFile {
  agenda: AgendaView;
  name: string;
  content: Uint8Array;
  draft: boolean;
}

/**
 * The minutes as Word, made when asked: a draft changes until it is approved, so the file a
 * person accepts is the one as it stands when they accept it. Only those who may ask for the
 * minutes in the council (chair, secretary) get them, whoever names the meeting.
 */
export async function minutesFile(deps: MinutesDeps, input: { meetingId: string; actorId: string }): Promise<MinutesFile> {
  return render(deps, await meetingById(deps, input));
}

async function meetingById(deps: MinutesDeps, input: { meetingId: string; actorId: string }): Promise<AgendaView> {
  const meeting = await deps.meetings.findById(input.meetingId);
  const view: CouncilView | undefined = meeting && (await councilById(deps, meeting.councilId));
  if (!meeting || !view) throw new RuleError('error.meetingNotFound');
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  if (meeting.status === 'planned' || meeting.status === 'cancelled') throw new RuleError('error.minutesNoMeeting');
  return load(deps, view, meeting);
}

/** The meeting "protokoll" means in this conversation, and its Word file. */
export async function minutesFileHere(deps: MinutesDeps, input: { conversationId: string; actorId: string }): Promise<MinutesFile> {
  return render(deps, await meetingForMinutes(deps, input));
}

async function render(deps: MinutesDeps, agenda: AgendaView): Promise<MinutesFile> {
  const record = await deps.justering.find(agenda.meeting.id);
  const draft = record?.status !== 'approved';
  const minutes = await minutesOf(deps, agenda);
  const content = await deps.minutesRenderer.docx(minutes, { draft });
  return { agenda, name: `${minutesFileStem(minutes, draft)}.docx`, content, draft };
}

/**
 * "protokoll" in a person's own chat with the bot, which belongs to no council: the latest meeting
 * held in any council where they may ask for the minutes.
 */
export async function meetingForPerson(deps: MinutesDeps, actorId: string): Promise<AgendaView> {
  let latest: { meetingId: string; startsAt: string } | undefined;
  for (const council of await deps.councils.councilsOf(actorId)) {
    const member = await deps.councils.member(council.id, actorId);
    if (member?.role !== 'chair' && member?.role !== 'secretary') continue;
    const meeting = (await deps.meetings.findOpen(council.id)) ?? (await deps.meetings.latestHeld(council.id));
    if (meeting && (!latest || meeting.startsAt > latest.startsAt)) latest = { meetingId: meeting.id, startsAt: meeting.startsAt };
  }
  if (!latest) throw new RuleError('error.minutesNoMeeting');
  return meetingById(deps, { meetingId: latest.meetingId, actorId });
}

/** That meeting's Word file, for the person's own chat. */
export async function minutesFileForPerson(deps: MinutesDeps, actorId: string): Promise<MinutesFile> {
  return render(deps, await meetingForPerson(deps, actorId));
}

/** In local mode, the minutes written to the bot's folder now (a draft until approved), for a link to them. */
export async function savedMinutesForPerson(deps: MinutesDeps, actorId: string) {
  const agenda = await meetingForPerson(deps, actorId);
  const record = await deps.justering.find(agenda.meeting.id);
  return { agenda, draft: record?.status !== 'approved', ...(await saveMinutesFiles(deps, agenda, { draft: record?.status !== 'approved' })) };
}
