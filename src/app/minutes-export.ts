import { requirePermission } from '../domain/council.js';
import { RuleError, StaleError } from '../domain/errors.js';
import { checkDiaryNumber } from '../domain/justering.js';
import { load } from './agenda-view.js';
import { councilById, requireCouncil, roleOf } from './councils.js';
import { type MinutesDeps, meetingForMinutes, saveMinutesFiles } from './minutes.js';
import { GraphCredentialsError, LibraryError, type OutboxJob, TransientError } from './ports.js';

export interface ExportPayload {
  meetingId: string;
  version: number;
  draft: boolean;
}

/** One export of one version; `attempt` lets the secretary run it again after a failure. */
export function minutesExportJob(payload: ExportPayload, now: string, attempt: string = now): OutboxJob {
  return { key: `minutes-export:${payload.meetingId}:${payload.version}:${payload.draft ? 'draft' : 'final'}:${attempt}`, kind: 'minutesExport', payload, dueAt: now };
}

/** "protokoll" / "exportera protokollet": the minutes as they stand go to the council's library, in the background. */
export async function requestExport(deps: MinutesDeps, input: { conversationId: string; actorId: string }) {
  const agenda = await meetingForMinutes(deps, input);
  const record = await deps.justering.find(agenda.meeting.id);
  const now = deps.clock.now().toISOString();
  const payload = { meetingId: agenda.meeting.id, version: record?.version ?? 1, draft: record?.status !== 'approved' };
  await deps.justering.setExport(agenda.meeting.id, { status: 'pending', detail: null, files: record?.export?.files ?? [], at: now }, [minutesExportJob(payload, now)]);
  return { agenda, draft: payload.draft, sharePoint: Boolean(agenda.view.council.minutesLibrary && deps.sharePoint) };
}

/**
 * The outbox job. A library that refuses for good (no access, no such library, full) is recorded
 * and told to the council, not retried; a passing failure is recorded and retried by the outbox.
 */
export async function runExport(deps: MinutesDeps, payload: ExportPayload): Promise<void> {
  const meeting = await deps.meetings.findById(payload.meetingId);
  const view = meeting && (await councilById(deps, meeting.councilId));
  const record = await deps.justering.find(payload.meetingId);
  // A newer version has its own export; a final export waits for approval.
  if (!meeting || !view || (record && record.version !== payload.version)) return;
  if (!payload.draft && record?.status !== 'approved') return;
  const at = () => deps.clock.now().toISOString();
  try {
    const saved = await saveMinutesFiles(deps, await load(deps, view, meeting), { draft: payload.draft });
    const files = saved.files.map((f) => ({ name: f.name, webUrl: f.webUrl }));
    const done = at();
    await deps.justering.setExport(payload.meetingId, { status: 'done', detail: saved.where, files, at: done }, [
      { key: `minutes-exported:${payload.meetingId}:${payload.version}:${done}`, kind: 'minutesExported', payload: { ...payload, where: saved.where }, dueAt: done },
    ]);
  } catch (err) {
    if (err instanceof LibraryError) {
      const now = at();
      await deps.justering.setExport(payload.meetingId, { status: 'failed', detail: `${err.reason}: ${err.detail}`, files: [], at: now }, [
        { key: `minutes-export-failed:${payload.meetingId}:${payload.version}:${now}`, kind: 'minutesExportFailed', payload: { ...payload, reason: err.reason }, dueAt: now },
      ]);
      return;
    }
    if (err instanceof GraphCredentialsError) {
      // Told in words on the card; what Entra ID answered is in the administrator's log only.
      await deps.justering.setExport(payload.meetingId, { status: 'waiting', detail: null, files: [], at: at() });
      throw err;
    }
    await deps.justering.setExport(payload.meetingId, { status: 'retrying', detail: (err as Error).message?.slice(0, 300) ?? String(err), files: [], at: at() });
    throw err instanceof TransientError ? err : new TransientError((err as Error).message ?? String(err));
  }
}

/** "protokollbibliotek: https://…/Delade dokument": where the council's approved minutes go (chair). */
export async function setMinutesLibrary(deps: MinutesDeps, input: { conversationId: string; actorId: string; url: string | null }) {
  const view = await requireCouncil(deps, input.conversationId);
  requirePermission(roleOf(view, input.actorId), 'council.manageRoles');
  let url: string | null = null;
  if (input.url !== null) {
    if (!deps.sharePoint) throw new RuleError('error.libraryNoGraph');
    url = checkLibraryUrl(input.url);
  }
  if (!(await deps.councils.setMinutesLibrary(view.council.id, url, view.council.version, deps.clock.now().toISOString()))) throw new StaleError();
  return requireCouncil(deps, input.conversationId);
}

/** A SharePoint address as copied from the browser; anything else is refused before Graph is asked. */
export function checkLibraryUrl(text: string): string {
  const trimmed = text.trim().replace(/^<|>$/g, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new RuleError('error.libraryUrl');
  }
  if (url.protocol !== 'https:' || !/\.sharepoint(-mil)?\.(com|us|cn|de)$/i.test(url.hostname) || url.pathname.length < 2 || trimmed.length > 1000) {
    throw new RuleError('error.libraryUrl');
  }
  return trimmed;
}

/** "diarienummer: RS 2026-00123" for the latest meeting's minutes. */
export async function setDiaryNumber(deps: MinutesDeps, input: { conversationId: string; actorId: string; text: string }) {
  const agenda = await meetingForMinutes(deps, input);
  const record = await deps.justering.find(agenda.meeting.id);
  if (record?.status === 'approved') throw new RuleError('error.minutesApproved');
  const diaryNumber = checkDiaryNumber(input.text);
  await deps.justering.setDiaryNumber(agenda.meeting.id, diaryNumber, deps.clock.now().toISOString());
  return { agenda, diaryNumber };
}
