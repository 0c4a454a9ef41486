import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AgendaView } from '../app/agenda-view.js';
import {
  type ItemFields,
  addAgendaItem,
  editAgendaItem,
  importAgenda,
  meetingAgenda,
  moveAgendaItem,
  removeAgendaItem,
  sendRegrets,
} from '../app/agendas.js';
import { liveCardJobs } from '../app/conversation-jobs.js';
import { type CouncilView, councilById, roleOf } from '../app/councils.js';
import { AGENDA_ITEM_KINDS } from '../domain/agenda.js';
import { parseAgendaBlocks, parseAgendaText } from '../domain/agenda-text.js';
import type { TextBlock } from '../domain/text-lines.js';
import { type TimeMisfit, agendaTimeMisfit } from '../domain/agenda-fit.js';
import { formatMeetingWhen, utcToZoned } from '../domain/meeting-time.js';
import { updateMeeting } from '../app/meetings.js';
import { can, requirePermission } from '../domain/council.js';
import { RuleError } from '../domain/errors.js';
import { t } from '../i18n/index.js';
import { dropDraft, getDraft, markSaved, putDraft } from './agenda-drafts.js';
import { agendaCard, agendaConfirmCard } from './agenda-views.js';
import { type ActionTurn, type CardAction, defineAction } from './card-action.js';
import { blankToUndefined, flag, id, page, version } from './card-fields.js';
import { cardActivity, respondWithCard } from './replies.js';
import { type Notice, doneCard } from './views.js';
import { withNextStep } from './next-step.js';
import { type InvitationParts, type Participant, splitInvitation } from '../domain/invitation.js';
import { matchMember } from '../domain/member-match.js';
import { parseScheduleText } from '../domain/schedule-text.js';
import { type MeetingInput, SCHEDULE_MAX, checkMeetingInputs, scheduleMeetings } from '../app/meetings.js';
import { GUESTS_MAX, addMeetingGuest } from '../app/attendance.js';
import { plannedInputs } from './meeting-commands.js';
import type { InvitationOffers } from './agenda-views.js';

const minutes = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(600).optional());
const presenters = z
  .string()
  .max(300)
  .optional()
  .transform((v) => (v ?? '').split(/[,;]/).map((p) => p.trim()).filter(Boolean));

/** A document link on an item: web addresses only, titled by the file or site it points to. */
const link = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .max(2000)
    .url()
    .refine((v) => /^https?:\/\//i.test(v), 'http(s) only')
    .optional(),
);

export function linkOf(url: string | undefined): { title: string; url: string }[] {
  if (!url) return [];
  const parsed = new URL(url);
  const file = decodeURIComponent(parsed.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return [{ title: file || parsed.hostname, url }];
}

const itemFields = {
  title: z.string().trim().min(1).max(200),
  kind: z.enum(AGENDA_ITEM_KINDS).default('information'),
  durationMinutes: minutes,
  presenters,
  level: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
  link,
};

/**
 * Keeps the posted agenda card (the one everybody sees) in step with the agenda: its update goes
 * out through the outbox, so the answer to the person who changed it does not wait for Teams.
 */
export async function updatePostedCard(turn: Pick<ActionTurn, 'kit'>, agenda: AgendaView): Promise<void> {
  const at = turn.kit.deps.clock.now().toISOString();
  const jobs = liveCardJobs(agenda.meeting, at);
  if (jobs.length === 0) return;
  await turn.kit.meetingDeps.outbox.enqueue(jobs, at);
  turn.kit.wakeOutbox();
}

async function answerChange(turn: ActionTurn, agenda: AgendaView, noticeKey: 'agenda.updated' | 'agenda.imported', count = 0, also: readonly string[] = []): Promise<void> {
  await updatePostedCard(turn, agenda);
  const { locale } = agenda.view.council;
  const said = [t(locale, noticeKey, { count }), ...also].join(' ');
  if (!turn.council) {
    // Confirmed in the personal chat (a Word agenda sent there): the agenda card's buttons act on
    // the council's own chat, so the answer here points there instead of offering them.
    await respondWithCard(turn.context, doneCard(t(locale, 'agenda.title'), `${said} ${t(locale, 'agenda.savedElsewhere', { council: agenda.view.council.name, when: formatMeetingWhen(agenda.meeting.startsAt, agenda.meeting.endsAt, locale, agenda.view.council.timeZone) })}`));
    return;
  }
  const notice: Notice = { text: noticeKey === 'agenda.imported' ? withNextStep(locale, said, 'afterAgenda') : said, kind: 'good' };
  await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
}

export async function freshAgenda(turn: ActionTurn, notice: Notice, data: { meetingId: string }) {
  return agendaCard(await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, data.meetingId), turn.actorId, undefined, notice);
}

export const target = (turn: ActionTurn, data: { meetingId: string; version: number }) => ({
  conversationId: turn.conversationId,
  actorId: turn.actorId,
  meetingId: data.meetingId,
  expectedVersion: data.version,
});

const show = defineAction({
  verb: 'agenda.show',
  schema: z.object({ meetingId: id, page }),
  async run(turn, data) {
    const agenda = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, data.meetingId);
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, data.page));
  },
});

const regrets = defineAction({
  verb: 'agenda.regrets',
  schema: z.object({
    meetingId: id,
    note: z.string().max(500).optional(),
    withdraw: flag,
  }),
  async run(turn, data) {
    const agenda = await sendRegrets(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: data.meetingId,
      note: data.note ?? null,
      withdraw: data.withdraw,
    });
    const key = data.withdraw ? 'agenda.regretsWithdrawn' : 'agenda.regretsSaved';
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, { text: t(agenda.view.council.locale, key), kind: 'good' }));
  },
});

const addItem = defineAction({
  verb: 'agenda.addItem',
  schema: z.object({ meetingId: id, version, ...itemFields }),
  async run(turn, data) {
    const fields: ItemFields = {
      title: data.title,
      kind: data.kind,
      level: data.level === '1' ? 1 : 0,
      ...(data.durationMinutes !== undefined ? { durationMinutes: data.durationMinutes } : {}),
      presenters: data.presenters,
      links: linkOf(data.link),
    };
    await answerChange(turn, await addAgendaItem(turn.kit.meetingDeps, { ...target(turn, data), fields }), 'agenda.updated');
  },
  freshCard: freshAgenda,
});

const editItem = defineAction({
  verb: 'agenda.editItem',
  schema: z.object({
    meetingId: id,
    version,
    itemId: id,
    // Named apart from the add-item inputs: ids must be unique across a card's show-cards.
    editTitle: z.preprocess(blankToUndefined, z.string().trim().min(1).max(200).optional()),
    editKind: z.preprocess(blankToUndefined, z.enum(AGENDA_ITEM_KINDS).optional()),
    editDuration: minutes,
    editPresenters: z.preprocess(blankToUndefined, presenters.optional()),
    editLink: link,
  }),
  async run(turn, data) {
    // Fields left blank on the card keep what the item had.
    const current = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, data.meetingId);
    const item = current.items.find((i) => i.id === data.itemId);
    if (!item) throw new RuleError('error.itemNotFound');
    const duration = data.editDuration ?? item.durationMinutes;
    const fields: ItemFields = {
      title: data.editTitle ?? item.title,
      kind: data.editKind ?? item.kind,
      level: item.level,
      ...(duration !== undefined ? { durationMinutes: duration } : {}),
      presenters: data.editPresenters ?? item.presenters,
      ...(item.description ? { description: item.description } : {}),
      links: data.editLink ? [...item.links, ...linkOf(data.editLink)] : item.links,
    };
    await answerChange(turn, await editAgendaItem(turn.kit.meetingDeps, { ...target(turn, data), itemId: data.itemId, fields }), 'agenda.updated');
  },
  freshCard: freshAgenda,
});

const moveItem = defineAction({
  verb: 'agenda.moveItem',
  schema: z.object({ meetingId: id, version, itemId: id, direction: z.enum(['up', 'down']) }),
  async run(turn, data) {
    const agenda = await moveAgendaItem(turn.kit.meetingDeps, { ...target(turn, data), itemId: data.itemId, direction: data.direction });
    await answerChange(turn, agenda, 'agenda.updated');
  },
  freshCard: freshAgenda,
});

const removeItem = defineAction({
  verb: 'agenda.removeItem',
  schema: z.object({ meetingId: id, version, itemId: id }),
  async run(turn, data) {
    await answerChange(turn, await removeAgendaItem(turn.kit.meetingDeps, { ...target(turn, data), itemId: data.itemId }), 'agenda.updated');
  },
  freshCard: freshAgenda,
});

const previewImport = defineAction({
  verb: 'agenda.previewImport',
  schema: z.object({ meetingId: id, text: z.string().min(1).max(200_000) }),
  async run(turn, data) {
    const agenda = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, data.meetingId);
    requirePermission(roleOf(agenda.view, turn.actorId), 'agenda.edit');
    await respondWithCard(turn.context, previewCard(turn, agenda, data.text, turn.actorId));
  },
});

/** Parses pasted text and keeps the result as a draft until the chair confirms it. */
export function previewCard(turn: { state: ActionTurn['state']; kit: ActionTurn['kit'] }, agenda: AgendaView, input: string | readonly TextBlock[], actorId?: string) {
  const invitation = splitInvitation(typeof input === 'string' ? [{ kind: 'text', text: input }] : input);
  const agendaInput = !invitation.found ? input : typeof input === 'string' ? invitation.agenda.map((b) => (b.kind === 'text' ? b.text : '')).join('\n') : invitation.agenda;
  const parsed = typeof agendaInput === 'string' ? parseAgendaText(agendaInput) : parseAgendaBlocks(agendaInput);
  if (parsed.items.length === 0) throw new RuleError('agenda.nothingFound');
  const zone = agenda.view.council.timeZone;
  const misfit = agendaTimeMisfit(parsed.items, { start: utcToZoned(agenda.meeting.startsAt, zone).time, end: utcToZoned(agenda.meeting.endsAt, zone).time });
  const offers = invitationOffers(turn, agenda, invitation, parsed.date, actorId);
  const draftId = putDraft(turn.state, {
    meetingId: agenda.meeting.id,
    version: agenda.meeting.version,
    items: parsed.items,
    createdAt: turn.kit.deps.clock.now().toISOString(),
    ...(misfit ? { moveTo: misfit } : {}),
    ...(offers.guests.length > 0 ? { guests: offers.guests } : {}),
    ...(offers.meetings.length > 0 ? { meetings: offers.meetings } : {}),
  });
  return agendaConfirmCard(agenda, draftId, { items: parsed.items, unparsed: parsed.unparsed.map((u) => u.text), truncated: parsed.truncated }, misfit, offers);
}

/**
 * What a pasted invitation offers besides its agenda: the participants who are council members
 * (shown), the others (each a guest to tick) and its next meetings (a plan to tick), whose dates
 * without a year follow this meeting's date, not today's.
 */
function invitationOffers(
  turn: { kit: ActionTurn['kit'] },
  agenda: AgendaView,
  invitation: InvitationParts,
  agendaDate: string | undefined,
  actorId: string | undefined,
): InvitationOffers {
  const members: string[] = [];
  const guests: Participant[] = [];
  for (const person of invitation.participants) {
    // Council guests are on the attendance already; a name two members share is no stranger either.
    const match = matchMember(person.name, agenda.view.members);
    const known = match.kind === 'one' ? match.member.name : match.kind === 'ambiguous' ? person.name : undefined;
    if (known !== undefined) {
      if (!members.includes(known)) members.push(known);
    } else if (guests.length < GUESTS_MAX) guests.push(person);
  }
  let meetings: MeetingInput[] = [];
  const mayPlan = actorId === undefined || can(roleOf(agenda.view, actorId), 'meeting.schedule');
  if (invitation.nextMeetings && mayPlan) {
    const zone = agenda.view.council.timeZone;
    const today = utcToZoned(turn.kit.deps.clock.now().toISOString(), zone).date;
    const after = agendaDate ?? utcToZoned(agenda.meeting.startsAt, zone).date;
    meetings = plannedInputs(agenda.view.council, parseScheduleText(invitation.nextMeetings, { today, after }).meetings.slice(0, SCHEDULE_MAX));
  }
  return { members, guests, meetings };
}

/** Each guest offered from an invitation is its own toggle on the card, "guest0" … */
const guestToggles = Object.fromEntries(Array.from({ length: GUESTS_MAX }, (_, i) => [`guest${i}`, flag])) as Record<`guest${number}`, typeof flag>;

const confirmImport = defineAction({
  verb: 'agenda.confirmImport',
  schema: z.object({ draftId: id, move: z.boolean().optional(), planMeetings: flag, ...guestToggles }),
  async run(turn, data) {
    const draft = getDraft(turn.state, data.draftId);
    if (!draft) throw new RuleError('error.draftExpired');
    if (draft.savedAt) {
      const agenda = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, draft.meetingId);
      await respondWithCard(turn.context, agendaCard(agenda, turn.actorId));
      return;
    }
    const toggles = data as Record<string, unknown>;
    const guests = (draft.guests ?? []).filter((_, i) => toggles[`guest${i}`] === true);
    // A Word invitation confirmed in the personal chat acts for the meeting's own council; the
    // actor's role there is what every check below goes by.
    const council = turn.council ?? (await councilOfMeeting(turn, draft.meetingId));
    const councilChat = council.council.conversationId;
    // What was ticked is checked before anything is written, so a refusal saves nothing.
    if (guests.length > 0 || data.planMeetings) await checkInvitationChoices(turn, council, draft.meetingId, guests, data.planMeetings ? draft.meetings ?? [] : []);
    let agenda = await importAgenda(turn.kit.meetingDeps, {
      conversationId: turn.conversationId,
      actorId: turn.actorId,
      meetingId: draft.meetingId,
      expectedVersion: draft.version,
      items: draft.items,
    });
    if (data.move && draft.moveTo) agenda = await moveMeetingTo(turn, agenda, draft.moveTo);
    for (const guest of guests) {
      await addMeetingGuest(turn.kit.meetingDeps, {
        conversationId: councilChat,
        actorId: turn.actorId,
        meetingId: draft.meetingId,
        name: guest.name,
        organisation: guest.organisation ?? null,
      });
    }
    let planned = 0;
    if (data.planMeetings && draft.meetings && draft.meetings.length > 0) {
      // Ids from the draft: a confirmation retried before it was marked saved plans the meetings once.
      const ids = draft.meetings.map((_, i) => createHash('sha256').update(`${turn.conversationId}\n${data.draftId}\n${i}`).digest('hex').slice(0, 32));
      planned = (await scheduleMeetings(turn.kit.meetingDeps, { conversationId: councilChat, actorId: turn.actorId, meetings: draft.meetings, ids })).meetings.length;
    }
    const count = draft.items.length;
    markSaved(turn.state, data.draftId, turn.kit.deps.clock.now().toISOString());
    const { locale } = agenda.view.council;
    const extra = [
      ...(guests.length > 0 ? [t(locale, 'agenda.importedGuests', { count: guests.length })] : []),
      ...(planned > 0 ? [t(locale, 'schedule.saved', { count: planned })] : []),
    ];
    await answerChange(turn, agenda, 'agenda.imported', count, extra);
  },
  async freshCard(turn, notice, data) {
    const draft = getDraft(turn.state, data.draftId);
    if (!draft) throw new RuleError('error.draftExpired');
    return freshAgenda(turn, notice, draft);
  },
});

async function councilOfMeeting(turn: ActionTurn, meetingId: string): Promise<CouncilView> {
  const meeting = await turn.kit.meetingDeps.meetings.findById(meetingId);
  const view = meeting && (await councilById(turn.kit.councilDeps, meeting.councilId));
  if (!view) throw new RuleError('error.meetingNotFound');
  return view;
}

async function checkInvitationChoices(turn: ActionTurn, council: CouncilView, meetingId: string, guests: readonly Participant[], meetings: readonly MeetingInput[]): Promise<void> {
  const role = roleOf(council, turn.actorId);
  if (guests.length > 0) {
    requirePermission(role, 'meeting.run');
    const names = new Set((await turn.kit.meetingDeps.meetings.guests(meetingId)).map((g) => g.name.toLocaleLowerCase('sv')));
    for (const g of guests) names.add(g.name.toLocaleLowerCase('sv'));
    if (names.size > GUESTS_MAX) throw new RuleError('error.tooManyGuests', { max: GUESTS_MAX });
  }
  if (meetings.length > 0) {
    requirePermission(role, 'meeting.schedule');
    checkMeetingInputs(council.council, meetings, turn.kit.deps.clock.now().toISOString());
  }
}

/** The meeting, saved with the agenda just imported, takes the times the agenda has: same day, place and title. */
async function moveMeetingTo(turn: ActionTurn, agenda: AgendaView, to: TimeMisfit): Promise<AgendaView> {
  const { meeting, view } = agenda;
  // The council's own conversation: a Word agenda is confirmed in the sender's personal chat.
  const conversationId = view.council.conversationId;
  await updateMeeting(turn.kit.meetingDeps, {
    conversationId,
    actorId: turn.actorId,
    meetingId: meeting.id,
    expectedVersion: meeting.version,
    meeting: { date: utcToZoned(meeting.startsAt, view.council.timeZone).date, start: to.start, end: to.end, place: meeting.place ?? null, online: meeting.online, title: meeting.title },
  });
  return meetingAgenda(turn.kit.meetingDeps, conversationId, meeting.id);
}

const cancelImport = defineAction({
  verb: 'agenda.cancelImport',
  schema: z.object({ draftId: id }),
  async run(turn, data) {
    const draft = getDraft(turn.state, data.draftId);
    if (!draft) throw new RuleError('error.draftExpired');
    const agenda = await meetingAgenda(turn.kit.meetingDeps, turn.conversationId, draft.meetingId);
    requirePermission(roleOf(agenda.view, turn.actorId), 'agenda.edit');
    dropDraft(turn.state, data.draftId);
    const notice: Notice = { text: t(agenda.view.council.locale, 'agenda.importCancelled'), kind: 'warning' };
    await respondWithCard(turn.context, agendaCard(agenda, turn.actorId, undefined, notice));
  },
});

export const agendaActions: CardAction[] = [
  show,
  regrets,
  addItem,
  editItem,
  moveItem,
  removeItem,
  previewImport,
  confirmImport,
  cancelImport,
];
