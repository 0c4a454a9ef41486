import { type Locale, type Role, can } from '../domain/council.js';
import { type MessageKey, t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';
import { daysAfter } from './example-dates.js';

export interface HelpContext {
  scope: 'council' | 'unconfigured' | 'personal';
  role?: Role;
  /** The council lets every member start polls ("medlemsomröstningar på"). */
  memberPolls?: boolean;
  /** Today in the council's time zone (YYYY-MM-DD): the examples' dates lie ahead of it. */
  today: string;
}

interface HelpCommand {
  command: string;
  description: string;
}

type Section = 'prepare' | 'during' | 'after' | 'council';

const helpCards = new Map<string, CardJson>();

/** The help card depends only on language, scope, role, the poll setting and the day: each variant is rendered once. */
export function helpCard(locale: Locale, ctx: HelpContext): CardJson {
  const key = `${locale}|${ctx.scope}|${ctx.role ?? ''}|${ctx.memberPolls === true}|${ctx.today}`;
  let card = helpCards.get(key);
  if (!card) {
    if (helpCards.size > 200) helpCards.clear();
    card = renderHelpCard(locale, ctx);
    helpCards.set(key, card);
  }
  return structuredClone(card);
}

/**
 * Commands grouped by what the asker is doing (before, during and after a meeting, and the
 * council itself), and only those their role may use: a member is not shown the chair's tools.
 * Each command stands above its description, full width: in columns the narrow Playground broke
 * long words such as "Protokollsanteckning" in the middle.
 */
function renderHelpCard(locale: Locale, ctx: HelpContext): CardJson {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => t(locale, k, p);
  const sv = locale === 'sv';
  const sections = new Map<Section, HelpCommand[]>([
    ['prepare', []],
    ['during', []],
    ['after', []],
    ['council', []],
  ]);
  const add = (section: Section, command: string, description: MessageKey) => sections.get(section)!.push({ command, description: tr(description) });
  const single: HelpCommand[] = [];
  if (ctx.scope === 'council') {
    const { role } = ctx;
    const plans = can(role, 'meeting.schedule');
    const leads = can(role, 'meeting.run');
    const chairs = can(role, 'council.manageRoles');
    const votes = role !== undefined && role !== 'guest';
    const meetingDay = daysAfter(ctx.today, 14).iso;
    const due = daysAfter(ctx.today, 30).dayMonth;
    const approvalBy = daysAfter(ctx.today, 21).dayMonth;
    const year = daysAfter(ctx.today, 0).year;
    if (plans) {
      add('prepare', sv ? `nytt möte ${meetingDay} 13:00-16:00 Regionens hus` : `new meeting ${meetingDay} 13:00-16:00 Town hall`, 'help.cmd.newMeeting');
      add('prepare', sv ? 'mötesplan: (en rad per möte)' : 'schedule: (one line per meeting)', 'help.cmd.schedule');
    }
    add('prepare', sv ? 'möten' : 'meetings', 'help.cmd.meetings');
    add('prepare', sv ? 'dagordning' : 'agenda', 'help.cmd.agenda');
    if (plans) add('prepare', sv ? 'dagordning: (klistra in texten)' : 'agenda: (paste the text)', 'help.cmd.importAgenda');

    if (leads) {
      add('during', sv ? 'öppna mötet' : 'start meeting', 'help.cmd.openMeeting');
      add('during', sv ? 'närvaro' : 'attendance', 'help.cmd.attendance');
      add('during', sv ? 'nästa · föregående · punkt 3 a' : 'next · previous · item 3 a', 'help.cmd.next');
      add('during', sv ? 'Beslut: Rådet beslutar att …' : 'Decision: The council decides to …', 'help.cmd.decision');
      add('during', sv ? 'Anteckning: …' : 'Note: …', 'help.cmd.note');
      add('during', sv ? `Åtgärd: Helena … senast ${due}` : `Action: Helena … by ${due}`, 'help.cmd.action');
    }
    if (leads || (ctx.memberPolls && votes)) add('during', sv ? 'omröstning · omröstning: Fråga? | Ja | Nej' : 'poll · poll: Question? | Yes | No', 'help.cmd.poll');
    if (leads) add('during', sv ? 'nominering' : 'nomination', 'help.cmd.nomination');
    if (votes) add('during', sv ? 'Reservation: skäl' : 'Reservation: grounds', 'help.cmd.reservation');
    if (leads) add('during', sv ? 'avsluta mötet' : 'close meeting', 'help.cmd.closeMeeting');

    add('after', sv ? 'protokoll' : 'minutes', 'help.cmd.minutes');
    if (leads) {
      add(
        'after',
        sv ? `justerare: namn, namn · skicka för justering senast ${approvalBy} · justering · ändra protokollet` : `adjusters: name, name · send for approval by ${approvalBy} · approval · change the minutes`,
        'help.cmd.justering',
      );
    } else {
      add('after', sv ? 'justering' : 'approval', 'help.cmd.justeringStatus');
    }
    if (votes) add('after', sv ? 'Protokollsanteckning: …' : 'Protocol note: …', 'help.cmd.protocolNote');
    add('after', sv ? 'åtgärder · mina åtgärder' : 'actions · my actions', 'help.cmd.actions');
    if (chairs) {
      add('after', sv ? `protokollbibliotek: adress · diarienummer: RS ${year}-123 · exportera protokollet` : `minutes library: address · reference number: RS ${year}-123 · export minutes`, 'help.cmd.export');
    }

    add('council', sv ? 'rådet' : 'council', 'help.cmd.council');
    add('council', sv ? 'hämta medlemmar' : 'sync members', 'help.cmd.sync');
    add('council', sv ? 'påminnelser' : 'reminders', chairs ? 'help.cmd.reminders' : 'help.cmd.remindersOwn');
    if (chairs) {
      add('council', sv ? 'kalender · kalender: rådet@region.se' : 'calendar · calendar: council@region.se', 'help.cmd.calendar');
      add('council', sv ? 'beslutförhet 5 · majoritet · av' : 'quorum 5 · majority · off', 'help.cmd.quorum');
      add('council', sv ? 'medlemsomröstningar på · av' : 'member polls on · off', 'help.cmd.memberPolls');
    }
    add('council', sv ? 'hjälp' : 'help', 'help.cmd.help');
  } else {
    single.push({ command: sv ? 'hjälp' : 'help', description: tr('help.cmd.help') });
    if (ctx.scope === 'unconfigured') single.push({ command: sv ? 'konfigurera' : 'setup', description: tr('help.cmd.setup') });
    else single.push({ command: sv ? 'mina åtgärder' : 'my actions', description: tr('help.cmd.myActionsEverywhere') });
  }
  const grouped = [...sections]
    .filter(([, commands]) => commands.length > 0)
    .map(([section, commands]) => ({ heading: tr(`help.section.${section}`), commands }));
  if (single.length > 0) grouped.push({ heading: '', commands: single });
  const leader = can(ctx.role, 'meeting.run');
  return renderTemplate('help', {
    title: tr('help.title'),
    intro: ctx.scope === 'personal' ? tr('help.personalIntro') : tr('help.intro'),
    sections: grouped,
    hint: ctx.scope === 'unconfigured' ? tr('help.notSetUp') : null,
    roleLine: ctx.role ? [tr('help.yourRole', { role: tr(`role.${ctx.role}`) }), leader ? '' : tr('help.leadersHaveMore')].filter(Boolean).join(' ') : null,
  });
}
