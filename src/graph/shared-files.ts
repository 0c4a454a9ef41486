import { z } from 'zod';
import { type SharedFiles, SharedFileTooLarge } from '../app/ports.js';
import type { GraphHttp } from './http.js';

/**
 * A sharing URL as Graph's shares API names it: "u!" and the URL in unpadded base64url.
 * https://learn.microsoft.com/en-us/graph/api/shares-get#encoding-sharing-urls
 */
export function shareId(url: string): string {
  return `u!${Buffer.from(url, 'utf8').toString('base64url')}`;
}

const driveItem = z.object({ size: z.number().optional(), file: z.object({}).passthrough().optional() }).passthrough();

/** Reads a file shared in Teams by its SharePoint or OneDrive address: its size first, then, if small enough, its bytes. */
export function graphSharedFiles(http: GraphHttp): SharedFiles {
  return {
    async read(url, maxBytes) {
      const id = shareId(url);
      const item = await http.call({ method: 'GET', path: `/shares/${id}/driveItem?$select=size,file,name` }, driveItem);
      if ((item.size ?? 0) > maxBytes) throw new SharedFileTooLarge();
      const bytes = await http.download({ path: `/shares/${id}/driveItem/content` });
      if (bytes.length > maxBytes) throw new SharedFileTooLarge();
      return bytes;
    },
  };
}
