import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import type { Meeting } from '../domain/meeting.js';
import { type Minutes, buildMinutes, minutesFileStem } from '../domain/minutes.js';
import { type AgendaView, load } from './agendas.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import type { DocumentLibrary, JusteringRepository, MinutesRenderer, StoredDocument } from './ports.js';

export interface MinutesDeps extends MeetingDeps {
  justering: JusteringRepository;
  minutesLibrary: DocumentLibrary;
  minutesRenderer: MinutesRenderer;
}

/** The minutes of a meeting as recorded so far, with the justering as it stands. */
export async function minutesOf(deps: MeetingDeps & { justering: JusteringRepository }, agenda: AgendaView): Promise<Minutes> {
  const { view, meeting } = agenda;
  const [attendance, guests, reservations, protocolNotes, actions, upcoming, record, adjusters] = await Promise.all([
    deps.attendance.forMeeting(meeting.id),
    deps.meetings.guests(meeting.id),
    deps.decisions.reservations(meeting.id),
    deps.decisions.protocolNotes(meeting.id),
    deps.actionItems.forMeeting(meeting.id),
    deps.meetings.upcoming(view.council.id, meeting.endsAt, 5),
    deps.justering.find(meeting.id),
    deps.justering.adjusters(meeting.id),
  ]);
  const version = record?.version ?? 1;
  return buildMinutes({
    council: view.council,
    meeting,
    diaryNumber: null,
    members: view.members,
    attendance,
    guests,
    regrets: agenda.regrets,
    items: agenda.timing.items,
    notes: agenda.notes,
    decisions: agenda.decisions,
    reservations,
    protocolNotes,
    actions,
    polls: [],
    nominations: [],
    nextMeetings: upcoming.filter((m) => m.id !== meeting.id && m.status === 'planned').slice(0, 3),
    // An approval of an earlier version is no approval of this one.
    adjusters: adjusters.map((a) => ({ userId: a.userId, approvedAt: a.approvedVersion === version ? a.approvedAt : null })),
    version,
  });
}

/**
 * The meeting whose minutes the secretary means: the one given, or the latest that has been
 * held (open or closed). Nothing decided yet means nothing to write minutes of.
 */
export async function meetingForMinutes(deps: MeetingDeps, input: { conversationId: string; actorId: string; meetingId?: string }): Promise<AgendaView> {
  const view: CouncilView = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'meeting.run');
  let meeting: Meeting | undefined;
  if (input.meetingId) {
    meeting = await deps.meetings.findById(input.meetingId);
    if (!meeting || meeting.councilId !== view.council.id) throw new RuleError('error.meetingNotFound');
  } else {
    meeting = (await deps.meetings.findOpen(view.council.id)) ?? (await deps.meetings.latestHeld(view.council.id));
  }
  if (!meeting || meeting.status === 'planned' || meeting.status === 'cancelled') throw new RuleError('error.minutesNoMeeting');
  return load(deps, view, meeting);
}

/**
 * The minutes as Word and Markdown in the council's library, in a folder per council and year.
 * A draft is named as one; approved minutes never replace a file silently: an earlier file of
 * the same name is kept as a version.
 */
export async function saveMinutesFiles(deps: MinutesDeps, agenda: AgendaView, options: { draft: boolean }): Promise<{ minutes: Minutes; word: StoredDocument; markdown: StoredDocument; folder: string }> {
  const minutes = await minutesOf(deps, agenda);
  const stem = minutesFileStem(minutes, options.draft);
  const folder = minutes.date.slice(0, 4);
  const site = agenda.view.council.name;
  const docx = await deps.minutesRenderer.docx(minutes, options);
  const markdown = new TextEncoder().encode(deps.minutesRenderer.markdown(minutes, options));
  const [word, text] = await Promise.all([
    deps.minutesLibrary.upload(site, folder, `${stem}.docx`, docx, 'version'),
    deps.minutesLibrary.upload(site, folder, `${stem}.md`, markdown, 'version'),
  ]);
  return { minutes, word, markdown: text, folder: `${site}/${folder}` };
}
