import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { graphRoute } from '../../src/graph/tracing-handler.js';
import { GraphError } from '../../src/graph/http.js';
import { createLogger } from '../../src/logger.js';
import { inboundActivitySchema, telemetryAttributesOf } from '../../src/teams/inbound.js';

const activity = (extra: Record<string, unknown>) =>
  inboundActivitySchema.parse({
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    from: { id: '29:user', name: 'Anna Andersson' },
    recipient: { id: '28:bot' },
    conversation: { id: '19:c@thread.v2', conversationType: 'channel', name: 'Vårdvalsråd' },
    ...extra,
  });

describe('what telemetry and the log may say', () => {
  it('Graph routes keep Graph’s own words and drop mailboxes, ids, folders and file names', () => {
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/radet%40region.se/calendarView/delta?startDateTime=x')).toBe('/v1.0/users/{id}/calendarView/delta');
    expect(graphRoute('https://graph.microsoft.com/v1.0/users/radet%40region.se/events/AAMkAG%3D%3D/cancel')).toBe('/v1.0/users/{id}/events/{id}/cancel');
    expect(graphRoute('https://graph.microsoft.com/v1.0/drives/b!x1/root:/V%C3%A5rdvalsr%C3%A5d/2026/Protokoll%202026-12-03.docx:/content?@microsoft.graph.conflictBehavior=fail')).toBe(
      '/v1.0/drives/{id}/root:{path}:/content',
    );
    expect(graphRoute('https://graph.microsoft.com/v1.0/sites/region.sharepoint.com:/sites/Vardvalsrad')).toBe('/v1.0/sites/{id}:{path}');
    expect(graphRoute('https://region.sharepoint.com/_api/v2.0/drives/b!x/items/01ABC/uploadSession?guid=1&path=~tmp')).toBe('/{id}/{id}/drives/{id}/items/{id}/{id}');
  });

  it('an activity is described by its kinds only; unknown values become "other"', () => {
    expect(telemetryAttributesOf(activity({}))).toEqual({ 'bot.activity.type': 'message', 'bot.conversation.type': 'channel' });
    expect(telemetryAttributesOf(activity({ type: 'invoke', name: 'adaptiveCard/action' }))).toMatchObject({ 'bot.invoke.name': 'adaptiveCard/action' });
    const forged = telemetryAttributesOf(activity({ type: 'Anna Andersson', name: 'Anna/Andersson', conversation: { id: '19:c', conversationType: 'Anna' } }));
    expect(forged).toEqual({ 'bot.activity.type': 'other', 'bot.conversation.type': 'other' });
    expect(telemetryAttributesOf(activity({ type: 'invoke', name: 'Anna/Andersson' }))['bot.invoke.name']).toBe('other');
  });

  it('the log keeps ids and drops e-mail addresses, in errors and in fields', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const fields = { councilId: 'c-1', detail: "The requested user 'radet@region.se' is invalid.", job: 'calendar-status:c-1:radet@region.se:denied' };
    logger.warn({ ...fields, err: new GraphError(404, 'ErrorInvalidUser', "The requested user 'anna.andersson@region.se' is invalid.") }, 'council calendar cannot be used');
    const line = JSON.parse(lines[0]!);
    expect(lines[0]).not.toMatch(/region\.se/);
    expect(line).toMatchObject({ councilId: 'c-1', detail: "The requested user '<email>' is invalid.", job: 'calendar-status:c-1:<email>:denied' });
    expect(line.err).toMatchObject({ type: 'GraphError', status: 404, code: 'ErrorInvalidUser', message: "The requested user '<email>' is invalid." });
    expect(fields.detail).toContain('radet@region.se');

    logger.info({ conversations: '19:abc@thread.v2 19:def@thread.tacv2 19:ghi@thread.skype 19:jkl@unq.gbl.spaces' }, 'ids');
    expect(JSON.parse(lines[1]!).conversations).toBe('19:abc@thread.v2 19:def@thread.tacv2 19:ghi@thread.skype 19:jkl@unq.gbl.spaces');
  });
});
