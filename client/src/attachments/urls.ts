/**
 * Where an `<img>` or a download link gets an attachment's bytes. `<img>` can't send the
 * bearer token, so the app asks `GET /api/attachments/:id/url` for signed URLs and keeps
 * them until shortly before they expire. Without a network the plain path is used: the
 * service worker caches attachments by path without the query, so what was seen before
 * is still there offline.
 */
import type { AttachmentUrlResponse } from '#shared/api/attachments';
import type { Http } from '../api/http.ts';

/** The paths the service worker caches attachments under (no query). */
export const attachmentPath = (id: string): string => `/api/attachments/${encodeURIComponent(id)}`;
export const thumbnailPath = (id: string): string => `${attachmentPath(id)}/thumbnail`;

/** Don't hand out a URL that expires this soon: the image may take a while to load. */
const MARGIN_MS = 30_000;

export interface AttachmentUrls {
  /** Signed URLs, or the plain paths when the server can't be asked (offline). */
  get(id: string): Promise<{ url: string; thumbnailUrl: string | null; signed: boolean }>;
}

export function createAttachmentUrls(http: Http, now: () => number = Date.now): AttachmentUrls {
  const cache = new Map<string, Promise<AttachmentUrlResponse>>();

  function fetchUrls(id: string): Promise<AttachmentUrlResponse> {
    const p = http.get<AttachmentUrlResponse>(`${attachmentPath(id)}/url`);
    cache.set(id, p);
    p.then(
      (r) => {
        // Forget it before it expires, so the next look asks again.
        const ttl = Date.parse(r.expiresAt) - now() - MARGIN_MS;
        setTimeout(() => cache.get(id) === p && cache.delete(id), Math.max(0, ttl));
      },
      () => cache.get(id) === p && cache.delete(id),
    );
    return p;
  }

  return {
    async get(id) {
      try {
        const r = await (cache.get(id) ?? fetchUrls(id));
        return { url: r.url, thumbnailUrl: r.thumbnailUrl, signed: true };
      } catch {
        return { url: attachmentPath(id), thumbnailUrl: thumbnailPath(id), signed: false };
      }
    },
  };
}
