import { voters, type PollView } from '../app/polls.js';
import type { CouncilView } from '../app/councils.js';
import { can, isGuestId, type Locale } from '../domain/council.js';
import { formatShortDate, utcToZoned } from '../domain/meeting-time.js';
import { ANONYMOUS_LIVE_MIN_VOTERS, RESULTS_VISIBILITY } from '../domain/poll.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import { type Notice, unreachedNote } from './views.js';

/** Teams refreshes a card per user for at most 60 people; a larger council gets the button. */
const MAX_REFRESH_USERS = 60;
const BAR_WIDTH = 20;
const NAMES_SHOWN = 30;

function when(locale: Locale, iso: string, timeZone: string): string {
  const z = utcToZoned(iso, timeZone);
  return `${formatShortDate(z.date, locale)} ${locale === 'sv' ? z.time.replace(':', '.') : z.time}`;
}

function bar(percent: number): string {
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent} %`;
}

/**
 * The poll. `viewerId` undefined is the message everybody sees (a count of votes, no one's
 * choice); a viewer sees their own current choice and, as chair or secretary, remind and close.
 */
export function pollCard(data: PollView, viewerId: string | undefined, notice?: Notice): CardJson {
  const { view, poll } = data;
  const locale = view.council.locale;
  const zone = view.council.timeZone;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const open = poll.status === 'open';
  const role = viewerId ? view.members.find((m) => m.userId === viewerId)?.role : undefined;
  const entitled = voters(view).filter((m) => !isGuestId(m.userId));
  const facts = [
    tr(poll.anonymous ? 'poll.anonymous' : 'poll.named'),
    poll.maxChoices > 1 ? tr('poll.upTo', { max: poll.maxChoices }) : tr('poll.single'),
    poll.deadline ? tr(open ? 'poll.closes' : 'poll.closedAt', { when: when(locale, open ? poll.deadline : (poll.closedAt ?? poll.deadline), zone) }) : null,
    poll.resultsVisibility === 'afterClose' && open ? tr('poll.resultsLater') : null,
    poll.resultsVisibility === 'live' && poll.anonymous && open && !data.results ? tr('poll.resultsAtMin', { min: ANONYMOUS_LIVE_MIN_VOTERS }) : null,
  ].filter(Boolean);
  const top = data.results ? Math.max(0, ...data.results.options.map((o) => o.votes)) : 0;
  const names = new Map((data.named ?? []).map((n) => [n.option, n.names]));
  const canManage = open && viewerId !== undefined && (can(role, 'meeting.run') || (poll.createdBy === viewerId && role !== undefined));
  return renderTemplate('poll', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    pollId: poll.id,
    question: poll.question,
    facts: facts.join(' · '),
    status: open
      ? tr('poll.votedCount', { voted: data.voted, entitled: data.entitled })
      : tr('poll.closedCount', { voted: data.voted, entitled: data.entitled }),
    statusColor: open ? 'Default' : 'Good',
    // The shared message never shows anyone's choice; say where one's own vote is.
    hint: open && viewerId === undefined ? tr('poll.hintShared') : null,
    canVote: open && (viewerId === undefined || (role !== undefined && role !== 'guest')),
    multiple: poll.maxChoices > 1,
    mine: data.mine ? data.mine.join(',') : null,
    options: poll.options,
    results: (data.results?.options ?? []).map((o) => {
      const who = names.get(o.text) ?? [];
      return {
        text: o.text,
        count: tr(o.votes === 1 ? 'poll.vote1' : 'poll.votes', { count: o.votes }),
        bar: bar(o.percent),
        leading: top > 0 && o.votes === top,
        names: who.length > NAMES_SHOWN ? `${who.slice(0, NAMES_SHOWN).join(', ')} + ${who.length - NAMES_SHOWN}` : who.join(', '),
      };
    }),
    hidden: data.results
      ? null
      : poll.resultsVisibility === 'live'
        ? tr('poll.hiddenUntilMin', { min: ANONYMOUS_LIVE_MIN_VOTERS })
        : tr('poll.hiddenUntilClosed'),
    refreshUserIds: open && entitled.length <= MAX_REFRESH_USERS ? entitled.map((m) => m.userId) : [],
    showMine: open && viewerId === undefined,
    canManage,
    // Those the reminders did not reach, by count, for whoever can remind.
    unreached: canManage ? unreachedNote(view, locale) : null,
    labels: {
      title: tr('poll.title'),
      choose: data.mine ? tr('poll.yourChoice') : tr('poll.choose'),
      required: tr('poll.chooseOne'),
      results: tr('poll.results'),
      vote: data.mine ? tr('poll.changeVote') : tr('poll.vote'),
      mine: tr('poll.showMine'),
      remind: tr('poll.remind'),
      close: tr('poll.close'),
      closeConfirm: tr('poll.closeConfirm'),
      closeConfirmText: tr('poll.closeConfirmText', { voted: data.voted, entitled: data.entitled }),
    },
  });
}

/** The form to start a poll; `tieTo` names the item under discussion when a meeting runs. */
export function pollFormCard(view: CouncilView, formId: string, today: string, tieTo: string | null, values?: { question: string; options: string }, notice?: Notice): CardJson {
  const locale = view.council.locale;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  return renderTemplate('poll-form', {
    notice: notice?.text ?? null,
    noticeStyle: notice?.kind ?? 'default',
    formId,
    today,
    values: values ?? { question: '', options: '' },
    visibility: RESULTS_VISIBILITY.map((v) => ({ title: tr(`poll.visibility.${v}` as MessageKey), value: v })),
    reminders: [
      { title: tr('poll.remind.none'), value: 'none' },
      { title: tr('poll.remind.minutes', { count: 15 }), value: '15' },
      { title: tr('poll.remind.hours', { count: 1 }), value: '60' },
      { title: tr('poll.remind.hours', { count: 24 }), value: '1440' },
    ],
    tieLabel: tieTo ? tr('poll.tie', { item: tieTo }) : null,
    labels: {
      title: tr('poll.formTitle'),
      question: tr('poll.question'),
      options: tr('poll.options'),
      optionsPlaceholder: tr('poll.optionsPlaceholder'),
      maxChoices: tr('poll.maxChoices'),
      results: tr('poll.resultsWhen'),
      anonymous: tr('poll.anonymousToggle'),
      anonymousResults: tr('poll.anonymousResultsNote', { min: ANONYMOUS_LIVE_MIN_VOTERS }),
      deadlineDate: tr('poll.deadlineDate'),
      deadlineTime: tr('poll.deadlineTime'),
      remind: tr('poll.remindLabel'),
      create: tr('poll.create'),
      required: tr('card.required'),
    },
  });
}

/** What the decision on a tied agenda item says. */
export function pollDecisionText(data: PollView): string {
  const locale = data.view.council.locale;
  const parts = (data.results?.options ?? []).map((o) => t(locale, 'poll.decisionPart', { option: o.text, count: o.votes, percent: o.percent }));
  return t(locale, 'poll.decisionText', { question: data.poll.question, results: parts.join(', '), voted: data.voted });
}
