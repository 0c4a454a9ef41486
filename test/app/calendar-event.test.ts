import { describe, expect, it } from 'vitest';
import { bodyKeepingJoin } from '../../src/app/calendar-event.js';

const JOIN =
  'https://teams.microsoft.com/l/meetup-join/19%3ameeting_ODkyNWFmNGYtZjBjYS00MDdlLTllOWQtN2E3MzJlNjM0ZWRj%40thread.v2/0?context=%7b%22Tid%22%3a%2298a79ebe%22%7d';
const RULE = '_'.repeat(80);

/** An online meeting's body as Graph returns it (shortened from the example on learn.microsoft.com/graph/outlook-calendar-online-meetings). */
const current = [
  '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n',
  '<h2>Vårdvalsråd</h2><p>Gammal dagordning</p>\r\n',
  `<div style="width:100%; height:20px"><span style="white-space:nowrap; color:gray; opacity:.36">${RULE}</span>\r\n</div>\r\n`,
  '<div class="me-email-text" style="color:#252424">\r\n',
  `<div style="margin-top:24px; margin-bottom:10px"><a class="me-email-headline" href="${JOIN}" target="_blank">Join\r\n Microsoft Teams Meeting</a> </div>\r\n`,
  '<div style="margin-top:10px; margin-bottom:20px"><span style="font-size:12px">Conference ID:\r\n</span><span style="font-size:14px">291 633 251# </span></div>\r\n',
  '</div>\r\n',
  `<div style="width:100%; height:20px"><span style="white-space:nowrap; color:gray; opacity:.36">${RULE}</span>\r\n</div>\r\n`,
  '</body>\r\n</html>\r\n',
].join('');

describe("an online meeting's body, rewritten", () => {
  it('puts the new agenda before the join block, which stays exactly as Exchange wrote it', () => {
    const body = bodyKeepingJoin(current, JOIN, '<h2>Vårdvalsråd</h2><p>Ny dagordning</p>')!;
    expect(body.startsWith('<h2>Vårdvalsråd</h2><p>Ny dagordning</p>')).toBe(true);
    expect(body).not.toContain('Gammal dagordning');
    const block = current.slice(current.indexOf('<div style="width:100%'), current.lastIndexOf('</div>') + '</div>'.length);
    expect(body.endsWith(block)).toBe(true);
    expect(body).toContain('291 633 251#');
  });

  it('writes the body as it is when there is no join block, and leaves it alone when the block is not whole', () => {
    expect(bodyKeepingJoin('<p>Gammal</p>', null, '<p>Ny</p>')).toBe('<p>Ny</p>');
    expect(bodyKeepingJoin('<p>Gammal</p>', JOIN, '<p>Ny</p>')).toBe('<p>Ny</p>');
    expect(bodyKeepingJoin(`<p>Gammal <a href="${JOIN}">Teams</a></p>`, JOIN, '<p>Ny</p>')).toBeUndefined();
  });
});
