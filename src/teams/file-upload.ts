/** Teams' upload URL is an upload session in the person's OneDrive; a whole Word file goes in one PUT. */
const UPLOAD_TIMEOUT_MS = 20_000;

export class UploadRefusedError extends Error {}

/**
 * The only places the bot sends file bytes to: Teams' upload sessions are https; a loopback
 * address is a local stand-in. Anything else named in an invoke is refused before a byte leaves.
 */
export function uploadUrlAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

/**
 * PUTs the whole file to the upload URL Teams gave on accept, with the Content-Range an upload
 * session requires ("bytes 0-{size-1}/{size}"); the session answers 200/201 with the driveItem.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/bots-filesv4
 * https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession
 */
export async function uploadToSession(uploadUrl: string, content: Uint8Array): Promise<{ id?: string; name?: string; webUrl?: string }> {
  if (!uploadUrlAllowed(uploadUrl)) throw new UploadRefusedError('upload URL is neither https nor local');
  const size = content.byteLength;
  const res = await fetch(uploadUrl, {
    method: 'PUT',
    headers: { 'Content-Length': String(size), 'Content-Range': `bytes 0-${size - 1}/${size}` },
    body: new Blob([new Uint8Array(content)]),
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 201) throw new UploadRefusedError(`upload answered ${res.status}`);
  try {
    return JSON.parse(text) as { id?: string; name?: string; webUrl?: string };
  } catch {
    return {};
  }
}
