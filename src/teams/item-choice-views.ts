import type { ItemQuestion } from '../app/running.js';
import { MAX_CANDIDATES, numberedTitle } from '../domain/agenda-labels.js';
import { t } from '../i18n/index.js';
import { type CardJson, renderTemplate } from './card-templates.js';

const TITLE_SHOWN = 60;

/**
 * "punkt 2 a" that named no single item: a button per candidate, each going to that item of the
 * meeting as it was asked about (a card answered after the meeting moved on is out of date).
 */
export function itemChoiceCard(question: ItemQuestion): CardJson {
  const { agenda, number, reason, candidates } = question;
  const locale = agenda.view.council.locale;
  const shown = candidates.slice(0, MAX_CANDIDATES);
  const intro =
    shown.length === 0
      ? t(locale, 'item.chooseNone', { number })
      : reason === 'ambiguous'
        ? t(locale, 'item.chooseAmbiguous', { count: candidates.length, number })
        : t(locale, 'item.chooseMissing', { number });
  return renderTemplate('meeting-choice', {
    title: t(locale, 'item.chooseTitle'),
    intro,
    options: shown.map((item) => ({
      title: numberedTitle(item.number, item.title.length > TITLE_SHOWN ? `${item.title.slice(0, TITLE_SHOWN - 1)}…` : item.title),
      verb: 'meeting.goTo',
      data: { meetingId: agenda.meeting.id, version: agenda.meeting.version, target: 'item', itemId: item.id, asked: true },
    })),
  });
}
