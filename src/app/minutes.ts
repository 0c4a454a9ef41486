import { requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { type Meeting, meetingBegan } from '../domain/meeting.js';
import { type Minutes, type PollRecord, buildMinutes, folderName, minutesFileStem } from '../domain/minutes.js';
import { type AgendaView, load } from './agenda-view.js';
import { type CouncilView, requireCouncil, roleOf } from './councils.js';
import type { MeetingDeps } from './meetings.js';
import type { DocumentLibrary, JusteringRepository, MinutesRenderer, NominationRepository, PollRepository, StoredDocument } from './ports.js';
import { count, tallyOf } from '../domain/poll.js';

export interface MinutesDeps extends MeetingDeps {
  justering: JusteringRepository;
  polls: PollRepository;
  nominations: NominationRepository;
  /** The bot's own folder (data/minutes), always there. */
  minutesLibrary: DocumentLibrary;
  /** SharePoint through Graph; undefined without Graph settings. */
  sharePoint?: DocumentLibrary;
  minutesRenderer: MinutesRenderer;
}

/** The minutes of a meeting as recorded so far, with the justering as it stands. */
export async function minutesOf(deps: MeetingDeps & Pick<MinutesDeps, 'justering' | 'polls' | 'nominations'>, agenda: AgendaView): Promise<Minutes> {
  const { view, meeting } = agenda;
  const [attendance, guests, reservations, protocolNotes, actions, upcoming, record, adjusters, polls, rounds, current, signed] = await Promise.all([
    deps.attendance.forMeeting(meeting.id),
    deps.meetings.guests(meeting.id),
    deps.decisions.reservations(meeting.id),
    deps.decisions.protocolNotes(meeting.id),
    deps.actionItems.forMeeting(meeting.id),
    deps.meetings.upcoming(view.council.id, meeting.endsAt, 5),
    deps.justering.find(meeting.id),
    deps.justering.adjusters(meeting.id),
    deps.polls.forMeeting(meeting.id),
    deps.nominations.roundsForMeeting(meeting.id),
    // Who was a member then: someone who has left the conversation since is still in these minutes.
    deps.councils.membersAt(view.council.id, meetingBegan(meeting)),
    deps.justering.signedNames(meeting.id),
  ]);
  // A person erased since these minutes were approved is named in them as they were signed.
  const signedAs = new Map(signed.map((s) => [s.userId, s]));
  const members = current.map((m) => {
    const was = signedAs.get(m.userId);
    return was ? { ...m, name: was.name, organisation: was.organisation } : m;
  });
  // Only closed polls have a result; anonymous ones are counted, never named. One still open is
  // listed without a result, so the secretary sees it is missing before anyone signs.
  const pollResults: PollRecord[] = await Promise.all(
    polls.map(async (p): Promise<PollRecord> => {
        if (p.status !== 'closed') {
          return { question: p.question, results: [], voters: 0, anonymous: p.anonymous, agendaItemId: p.agendaItemId, askedAt: p.createdAt, ballots: [], open: true };
        }
        // A closed anonymous poll kept only its counts; a named one keeps who chose what.
        const ballots = await deps.polls.ballots(p.id);
        const result = tallyOf(p, p.counted ?? count(ballots.map((b) => b.choices)));
        const optionText = new Map(p.options.map((o) => [o.id, o.text]));
        return {
          question: p.question,
          results: result.options.map((o) => ({ option: o.text, votes: o.votes })),
          voters: result.voters,
          anonymous: p.anonymous,
          agendaItemId: p.agendaItemId,
          askedAt: p.createdAt,
          ballots: p.anonymous ? [] : ballots.flatMap((b) => (b.voterId ? [{ userId: b.voterId, choices: b.choices.map((c) => optionText.get(c) ?? c) }] : [])),
        };
      }),
  );
  const nominations = await Promise.all(
    rounds.map(async (round) => ({
      round,
      nominations: (await deps.nominations.nominations(round.id)).map((n) => {
        const was = n.nomineeUserId ? signedAs.get(n.nomineeUserId) : undefined;
        return was ? { ...n, nomineeName: was.name } : n;
      }),
    })),
  );
  const version = record?.version ?? 1;
  return buildMinutes({
    council: view.council,
    meeting,
    diaryNumber: record?.diaryNumber ?? null,
    members,
    attendance,
    guests,
    regrets: agenda.regrets,
    items: agenda.timing.items,
    notes: agenda.notes,
    decisions: agenda.decisions,
    reservations,
    protocolNotes,
    actions,
    polls: pollResults,
    itemTimes: agenda.times,
    nominations,
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

/** Where a council's minutes go: its SharePoint library when it has one and Graph is set up, else the bot's folder. */
export function minutesTarget(deps: MinutesDeps, council: CouncilView['council'], year: string): { library: DocumentLibrary; site: string; folder: string; sharePoint: boolean } {
  if (council.minutesLibrary && deps.sharePoint) {
    return { library: deps.sharePoint, site: council.minutesLibrary, folder: `${folderName(council.name)}/${year}`, sharePoint: true };
  }
  return { library: deps.minutesLibrary, site: folderName(council.name), folder: year, sharePoint: false };
}

/**
 * The minutes as Word and Markdown (and PDF, where SharePoint converts it) in a folder per
 * council and year. A draft is named as one; nothing is overwritten silently: an earlier file of
 * the same name becomes an earlier version.
 */
export async function saveMinutesFiles(deps: MinutesDeps, agenda: AgendaView, options: { draft: boolean }): Promise<{ minutes: Minutes; files: StoredDocument[]; where: string }> {
  const minutes = await minutesOf(deps, agenda);
  const stem = minutesFileStem(minutes, options.draft);
  const target = minutesTarget(deps, agenda.view.council, minutes.date.slice(0, 4));
  const docx = await deps.minutesRenderer.docx(minutes, options);
  const markdown = new TextEncoder().encode(deps.minutesRenderer.markdown(minutes, options));
  const word = await target.library.upload(target.site, target.folder, `${stem}.docx`, docx, 'version');
  const text = await target.library.upload(target.site, target.folder, `${stem}.md`, markdown, 'version');
  const files = [word, text];
  if (target.sharePoint) {
    const pdf = await target.library.asPdf(target.site, word.id);
    files.push(await target.library.upload(target.site, target.folder, `${stem}.pdf`, pdf, 'version'));
  }
  return { minutes, files, where: target.sharePoint ? target.folder : `${target.site}/${target.folder}` };
}
