/**
 * Agendas as Teams delivers them when a chair pastes them: the body of the message as HTML, the
 * way Word, Loop and Outlook put it on the clipboard and Teams wraps it. Each shape comes with the
 * items it must import to: number, time as the card shows it, title, presenters.
 */
import { Parser } from 'htmlparser2';

export interface ExpectedItem {
  number: string;
  /** As the Swedish card shows it: "13.00–13.10", or "" without a time. */
  time: string;
  title: string;
  presenters: string[];
}

export interface AgendaShape {
  name: string;
  html: string;
  items: ExpectedItem[];
  /** Text that must stand in some item's description. */
  notes?: string[];
}

const item = (number: string, time: string, title: string, presenters: string[] = []): ExpectedItem => ({ number, time, title, presenters });

/** Teams wraps what was pasted in its copy-paste block. */
const teams = (body: string) => `<div><div itemprop="copy-paste-block">${body}</div></div>`;

export const wordTable: AgendaShape = {
  name: 'a Word table with a header and multi-paragraph cells',
  html: teams(`<p><strong>Dagordning</strong></p>
<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none">
<tbody>
<tr><td width="60" valign="top"><p class="MsoNormal"><b><span lang="SV">Nr</span></b></p></td>
<td width="240" valign="top"><p class="MsoNormal"><b><span lang="SV">Ärende</span></b></p></td>
<td width="200" valign="top"><p class="MsoNormal"><b><span lang="SV">Underlag</span></b></p></td>
<td width="140" valign="top"><p class="MsoNormal"><b><span lang="SV">Föredragande</span></b></p></td></tr>
<tr><td><p class="MsoNormal">1</p></td><td><p class="MsoNormal">Mötets öppnande</p></td><td><p class="MsoNormal">&nbsp;</p></td><td><p class="MsoNormal">Åsa Ordförande</p></td></tr>
<tr><td><p class="MsoNormal">2</p></td><td><p class="MsoNormal"><b>Ekonomisk uppföljning</b></p><p class="MsoNormal">Prognos efter oktober</p><p class="MsoNormal">Bilaga&nbsp;2</p></td>
<td><p class="MsoNormal">Rapport från ekonomienheten</p></td><td><p class="MsoNormal">Björn Berg</p><p class="MsoNormal">Cecilia Ek</p></td></tr>
<tr><td><p class="MsoNormal">3</p></td><td><p class="MsoNormal">Remissvar läkemedel</p></td><td><p class="MsoNormal">Remiss 2027/14</p></td><td><p class="MsoNormal">Cecilia Ek och Dan Ås</p></td></tr>
<tr><td><p class="MsoNormal">3 a</p></td><td><p class="MsoNormal">Synpunkter från vårdcentralerna</p></td><td></td><td><p class="MsoNormal">Dan Ås</p></td></tr>
<tr><td><p class="MsoNormal">3 b</p></td><td><p class="MsoNormal">Beslut om remissvar</p></td><td></td><td><p class="MsoNormal">Åsa Ordförande</p></td></tr>
<tr><td colspan="4"><p class="MsoNormal"><i>Reflektion: tidsplanen för remissen är snäv</i></p></td></tr>
<tr><td><p class="MsoNormal">4</p></td><td><p class="MsoNormal">Övriga frågor</p></td><td></td><td></td></tr>
</tbody></table>`),
  items: [
    item('1', '', 'Mötets öppnande', ['Åsa Ordförande']),
    item('2', '', 'Ekonomisk uppföljning', ['Björn Berg', 'Cecilia Ek']),
    item('3', '', 'Remissvar läkemedel', ['Cecilia Ek', 'Dan Ås']),
    item('3 a', '', 'Synpunkter från vårdcentralerna', ['Dan Ås']),
    item('3 b', '', 'Beslut om remissvar', ['Åsa Ordförande']),
    item('4', '', 'Övriga frågor'),
  ],
  notes: ['Prognos efter oktober', 'Rapport från ekonomienheten', 'Reflektion: tidsplanen för remissen är snäv'],
};

export const loopTable: AgendaShape = {
  name: 'a Loop table',
  html: teams(`<table><thead><tr><th><p>Tid</p></th><th><p>Mötespunkt</p></th><th><p>Ansvarig</p></th></tr></thead>
<tbody>
<tr><td><p>13:00–13:15</p></td><td><p>Välkommen och godkännande av dagordning</p></td><td><p>Åsa Ordförande</p></td></tr>
<tr><td><p>13:15–14:00</p></td><td><p>Budget 2028</p></td><td><p>Björn Berg / Cecilia Ek</p></td></tr>
<tr><td><p>14:00–14:15</p></td><td><p>Paus</p></td><td><p></p></td></tr>
<tr><td><p>14:15–15:00</p></td><td><p>Nära vård</p></td><td><p>Dan Ås &amp; Eva Lund</p></td></tr>
</tbody></table>`),
  items: [
    item('1', '13.00–13.15', 'Välkommen och godkännande av dagordning', ['Åsa Ordförande']),
    item('2', '13.15–14.00', 'Budget 2028', ['Björn Berg', 'Cecilia Ek']),
    item('3', '14.00–14.15', 'Paus'),
    item('4', '14.15–15.00', 'Nära vård', ['Dan Ås', 'Eva Lund']),
  ],
};

export const outlookInvitation: AgendaShape = {
  name: 'an Outlook invitation body with participants and agenda',
  html: teams(`<div class="WordSection1"><p class="MsoNormal">Hej alla,</p>
<p class="MsoNormal">Välkomna till rådets möte torsdag den 2 december i Regionens hus, sal 3.</p>
<p class="MsoNormal"><b>Deltagare</b></p>
<ul type="disc"><li class="MsoListParagraph">Åsa Ordförande, Region Väst</li><li class="MsoListParagraph">Björn Berg, Vårdcentral Norr</li><li class="MsoListParagraph">Cecilia Ek, Läkemedelsenheten</li></ul>
<p class="MsoNormal"><b>Dagordning</b></p>
<ol start="1" type="1">
<li class="MsoListParagraph">13.00 Mötet öppnas</li>
<li class="MsoListParagraph">13.10 Ekonomisk uppföljning, föredragande Björn Berg</li>
<li class="MsoListParagraph">13.40 Läkemedel på rekvisition, föredragande Cecilia Ek</li>
<li class="MsoListParagraph">14.20 Övriga frågor</li>
</ol>
<p class="MsoNormal"><b>Nästkommande möten</b></p>
<ul><li>20 januari 13.00–16.00</li><li>17 mars 13.00–16.00</li></ul>
<p class="MsoNormal">Med vänlig hälsning<br>Åsa</p></div>`),
  items: [
    item('1', '13.00–13.10', 'Mötet öppnas'),
    item('2', '13.10–13.40', 'Ekonomisk uppföljning', ['Björn Berg']),
    item('3', '13.40–14.20', 'Läkemedel på rekvisition', ['Cecilia Ek']),
    item('4', '14.20', 'Övriga frågor'),
  ],
};

export const nestedLists: AgendaShape = {
  name: 'nested HTML lists',
  html: teams(`<p>Förslag till dagordning:</p>
<ol><li>Inledning<ul><li>Val av justerare</li><li>Godkännande av dagordningen</li></ul></li>
<li><strong>Budget 2028</strong><ul><li>Prognos för helåret</li></ul></li>
<li>Övriga frågor</li></ol>`),
  items: [
    item('1', '', 'Inledning'),
    item('1 a', '', 'Val av justerare'),
    item('1 b', '', 'Godkännande av dagordningen'),
    item('2', '', 'Budget 2028'),
    item('2 a', '', 'Prognos för helåret'),
    item('3', '', 'Övriga frågor'),
  ],
};

export const timeColumn: AgendaShape = {
  name: 'a table with the time in its own column',
  html: teams(`<table>
<tr><td>1</td><td>09.00–09.15</td><td>Inledning</td><td>Åsa Ordförande</td></tr>
<tr><td>2</td><td>09.15</td><td>Budget 2028</td><td>Björn Berg</td></tr>
<tr><td>3</td><td>10.00</td><td>Paus</td><td></td></tr>
<tr><td>4</td><td>10.15–11.00</td><td>Nära vård</td><td>Cecilia Ek</td></tr>
</table>`),
  items: [
    item('1', '09.00–09.15', 'Inledning', ['Åsa Ordförande']),
    item('2', '09.15–10.00', 'Budget 2028', ['Björn Berg']),
    item('3', '10.00–10.15', 'Paus'),
    item('4', '10.15–11.00', 'Nära vård', ['Cecilia Ek']),
  ],
};

export const timeAndPresenters: AgendaShape = {
  name: 'a table with presenters and times in one column',
  html: teams(`<table>
<tr><td><p><b>Mötespunkt</b></p></td><td><p><b>Anteckning</b></p></td><td><p><b>Föredragande</b></p></td></tr>
<tr><td><p>1. Inledning</p><p>Presentationsrunda</p></td><td><p>Nya ledamöter hälsas välkomna</p></td><td><p>13.00–13.10</p><p>Åsa Ordförande</p></td></tr>
<tr><td><p>2. Ekonomi</p></td><td><p>Utfall till och med oktober</p></td><td><p>13.10–13.40</p><p>Björn Berg</p><p>Cecilia Ek</p></td></tr>
<tr><td><p>Reflektion: underlaget kom sent</p></td><td></td><td></td></tr>
<tr><td><p>”Hur påverkas vårdcentralerna av prognosen?”</p></td><td></td><td></td></tr>
<tr><td><p>3. Uppdrag från nämnden</p></td><td></td><td><p>13.40–14.30</p><p>Dan Ås</p></td></tr>
<tr><td><p>3 a. Digital vård</p></td><td></td><td><p>13.40–14.00</p><p>Eva Lund</p></td></tr>
<tr><td><p>3 b. Enkla kontaktvägar</p></td><td></td><td><p>14.00–14.30</p><p>Dan Ås och Eva Lund</p></td></tr>
<tr><td><p>4. Avslut</p></td><td></td><td><p>14.30</p></td></tr>
</table>`),
  items: [
    item('1', '13.00–13.10', 'Inledning', ['Åsa Ordförande']),
    item('2', '13.10–13.40', 'Ekonomi', ['Björn Berg', 'Cecilia Ek']),
    item('3', '13.40–14.30', 'Uppdrag från nämnden', ['Dan Ås']),
    item('3 a', '13.40–14.00', 'Digital vård', ['Eva Lund']),
    item('3 b', '14.00–14.30', 'Enkla kontaktvägar', ['Dan Ås', 'Eva Lund']),
    item('4', '14.30', 'Avslut'),
  ],
  notes: ['Presentationsrunda', 'Reflektion: underlaget kom sent', 'Hur påverkas vårdcentralerna av prognosen?'],
};

export const agendaShapes: readonly AgendaShape[] = [wordTable, loopTable, outlookInvitation, nestedLists, timeColumn, timeAndPresenters];

/** What Teams puts in `text` beside the HTML: the words, without the structure of tables and lists. */
export function flattened(html: string): string {
  const words: string[] = [];
  const parser = new Parser({ ontext: (text) => void (text.trim() !== '' && words.push(text.trim())) }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return words.join(' ').replace(/\s+/g, ' ');
}
