import { itemList } from '../domain/closing.js';
import { OUTCOME_TITLES } from '../domain/decision.js';
import { type Minutes, type MinutesDecision, type MinutesPerson, formatShortDate } from '../domain/minutes.js';
import { type MessageKey, t } from '../i18n/index.js';

/** Text as Markdown reads it literally: a title like "*Viktigt* 1. Budget" stays as written. */
function md(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]#|<>])/g, '\\$1').replace(/^(\d+)\.(\s)/, '$1\\.$2');
}

function people(list: readonly MinutesPerson[], none: string): string[] {
  if (list.length === 0) return [`- ${none}`];
  return list.map((p) => `- ${md(p.name)}${p.detail ? `, ${md(p.detail)}` : ''}`);
}

export function decisionLines(d: MinutesDecision, tr: (k: MessageKey, p?: Record<string, string | number>) => string, locale: 'sv' | 'en'): string[] {
  const lines = [`**${tr('minutes.decision')}** ${md(d.text)}${d.outcome === 'decided' ? '' : ` *(${OUTCOME_TITLES[d.outcome][locale]})*`}`];
  if (d.belowQuorum) lines.push(`*${tr('minutes.decisionBelowQuorum')}*`);
  if (d.reason) lines.push(`${tr('minutes.reason')} ${md(d.reason)}`);
  if (d.vote) lines.push(tr('minutes.vote', { for: d.vote.for, against: d.vote.against, abstain: d.vote.abstain }));
  for (const r of d.reservations) lines.push(r.text ? tr('minutes.reservationWith', { name: md(r.name), text: md(r.text) }) : tr('minutes.reservation', { name: md(r.name) }));
  for (const n of d.protocolNotes) lines.push(tr('minutes.protocolNote', { name: md(n.name), text: md(n.text) }));
  return lines;
}

/** The minutes as Markdown, in the council's language: for a wiki, an e-mail, or a diff between versions. */
export function minutesMarkdown(minutes: Minutes, options: { draft: boolean }): string {
  const { locale } = minutes;
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const out: string[] = [`# ${tr('minutes.title')} – ${md(minutes.council)}`, ''];
  if (options.draft) out.push(`> ${tr('minutes.draft')}`, '');
  const undecided = minutes.items.filter((i) => i.undecided);
  if (options.draft && undecided.length > 0) out.push(`> **${tr('minutes.undecidedCheck', { items: itemList(undecided.map((i) => ({ number: i.number, title: md(i.title) }))) })}**`, '');
  out.push(`| | |`, `|---|---|`, `| ${tr('minutes.council')} | ${md(minutes.council)} |`, `| ${tr('minutes.when')} | ${md(minutes.when)} |`);
  if (minutes.place) out.push(`| ${tr('minutes.place')} | ${md(minutes.place)} |`);
  if (minutes.diaryNumber) out.push(`| ${tr('minutes.diary')} | ${md(minutes.diaryNumber)} |`);
  out.push('', `## ${tr('minutes.attendance')}`, '');
  const { present, absent, guests, regrets, unconfirmed, belowQuorum } = minutes.attendance;
  const none = tr('minutes.nobody');
  out.push(`### ${tr('minutes.present')}`, ...people(present, none), '');
  if (guests.length > 0) out.push(`### ${tr('minutes.guests')}`, ...people(guests, none), '');
  if (regrets.length > 0) out.push(`### ${tr('minutes.regrets')}`, ...people(regrets, none), '');
  if (absent.length > 0) out.push(`### ${tr('minutes.absent')}`, ...people(absent, none), '');
  if (unconfirmed.length > 0) out.push(`### ${tr('minutes.unconfirmed')}`, ...people(unconfirmed, none), '');
  if (belowQuorum) out.push(`**${tr('minutes.belowQuorum', belowQuorum)}**`, '');

  out.push(`## ${tr('minutes.items')}`, '');
  for (const item of minutes.items) {
    out.push(`${item.level === 1 ? '####' : '###'} ${item.number ? `${md(item.number)}. ${md(item.title)}` : md(item.title)}`, '');
    if (item.presenters.length > 0) out.push(`*${tr('minutes.presenter')}: ${md(item.presenters.join(', '))}*`, '');
    if (item.description) out.push(md(item.description), '');
    for (const note of item.notes) out.push(md(note), '');
    for (const d of item.decisions) out.push(...decisionLines(d, tr, locale).flatMap((l) => [l, '']));
    if (options.draft && item.undecided) out.push(`**⚠ ${tr('minutes.undecided')}**`, '');
    for (const a of item.actions) out.push(`- ${tr('minutes.actionText')}: ${md(a.text)} (${md(a.owner)}${a.dueDate ? `, ${formatShortDate(a.dueDate, locale)}` : ''})`);
    if (item.actions.length > 0) out.push('');
  }
  if (minutes.otherDecisions.length > 0) {
    out.push(`## ${tr('minutes.otherDecisions')}`, '');
    for (const d of minutes.otherDecisions) out.push(...decisionLines(d, tr, locale).flatMap((l) => [l, '']));
  }
  if (minutes.actions.length > 0) {
    out.push(`## ${tr('minutes.actions')}`, '', `| ${tr('minutes.actionItem')} | ${tr('minutes.actionText')} | ${tr('minutes.actionOwner')} | ${tr('minutes.actionDue')} | ${tr('minutes.actionStatus')} |`, '|---|---|---|---|---|');
    for (const a of minutes.actions) {
      const status = tr(a.status === 'done' ? 'minutes.statusDone' : 'minutes.statusOpen');
      out.push(`| ${md(a.itemNumber ?? '')} | ${md(a.text)} | ${md(a.owner)} | ${a.dueDate ? formatShortDate(a.dueDate, locale) : ''} | ${status} |`);
    }
    out.push('');
  }
  if (minutes.polls.length > 0) {
    out.push(`## ${tr('minutes.polls')}`, '');
    for (const p of minutes.polls) {
      out.push(`**${md(p.question)}**`, '');
      if (p.item) out.push(`*${tr('minutes.pollItem', { number: md(p.item.number), title: md(p.item.title) })}*`, '');
      if (p.open) {
        out.push(`**⚠ ${tr('minutes.pollOpen')}**`, '');
        continue;
      }
      out.push(...p.results.map((r) => `- ${md(r.option)}: ${r.votes}`), '', `${tr('minutes.pollVoters', { count: p.voters })} ${tr(p.anonymous ? 'minutes.pollAnonymous' : 'minutes.pollNamed')}`, '');
      if (p.votes.length > 0) out.push(...p.votes.map((v) => `- ${md(v.name)}: ${md(v.choices.join(', '))}`), '');
    }
  }
  if (minutes.nominations.length > 0) {
    out.push(`## ${tr('minutes.nominations')}`, '');
    for (const n of minutes.nominations) {
      out.push(`**${md(n.group)}** (${tr('minutes.nominationSeats', { seats: n.seats })})`, '', ...n.nominees.map((x) => `- ${md(x.name)}, ${x.consent}${x.selected ? `, ${tr('minutes.selected')}` : ''}`), '');
    }
  }
  if (minutes.tabled.length > 0) {
    out.push(`## ${tr('minutes.tabled')}`, '', ...minutes.tabled.map((x) => `- ${x.number ? `${md(x.number)}. ` : ''}${md(x.title)} – ${OUTCOME_TITLES[x.outcome][locale]}${x.reason ? `: ${md(x.reason)}` : ''}`), '');
  }
  if (minutes.nextMeetings.length > 0) out.push(`## ${tr('minutes.nextMeetings')}`, '', ...minutes.nextMeetings.map((m) => `- ${md(m)}`), '');

  const j = minutes.justering;
  out.push(`## ${tr('minutes.justering')}`, '');
  // A line to sign on above each name, as on the Word file's last page: printed, it is signed by hand.
  const line = '\\_'.repeat(40);
  const sign = (name: string, role: string, status?: string) => out.push(`${line}  `, `**${md(name)}**, ${role.toLocaleLowerCase(locale)}${status ? `  \n*${status}*` : ''}`, '');
  if (j.chair) sign(j.chair, tr('minutes.chairSign'));
  if (j.secretary) sign(j.secretary, tr('minutes.secretarySign'));
  for (const a of j.adjusters) sign(a.name, tr('minutes.adjusterSign'), a.approvedAt ? tr('minutes.approvedAt', { when: a.approvedAt }) : tr('minutes.notApproved'));
  out.push(`*${tr('minutes.version', { version: j.version })}*`, '');
  return out.join('\n');
}
