/**
 * Attachments (DESIGN §7): upload as a raw body, download by the uploader or by members
 * of a room where the uploader's message references the attachment, with a bearer token
 * or a short-lived signed URL (`<img src>`). Mounted at `/api/attachments`, outside the
 * JSON body limit: the upload limit is enforced while the body streams to disk.
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { badRequest, notFound, unauthorized } from '../errors.ts';
import { requireAuth } from '../middleware/auth.ts';
import { ErrorCode } from '#shared/errors';
import { isUlid } from '#shared/ids';
import {
  ATTACHMENT_ID_HEADER,
  FILENAME_HEADER,
  SIGNED_URL_TTL_S,
  isInlineImage,
  type ApiAttachment,
  type AttachmentResponse,
  type AttachmentUrlResponse,
} from '#shared/api/attachments';
import { BlobStore } from '../../attachments/blob-store.ts';
import { AttachmentService } from '../../attachments/service.ts';
import { canRead, getAttachment, type AttachmentRecord } from '../../attachments/records.ts';
import { signAttachment, signedQuery, verifyAttachmentSignature } from '../../attachments/signed-url.ts';
import { contentDisposition, etagMatches, parseRange } from '../../attachments/http.ts';

/** Bytes of an id never change, but access can end: browsers may keep them a day, privately. */
const CACHE_CONTROL = 'private, max-age=86400';
/** Nothing an attachment contains may run scripts or load anything, even if opened directly. */
const ATTACHMENT_CSP = "default-src 'none'; sandbox";

const noSuchAttachment = () => notFound('No such attachment');

function toApi(a: AttachmentRecord): ApiAttachment {
  const { uploaderId: _u, createdAt: _c, ...rest } = a;
  return rest;
}

export function attachmentRoutes({ config, db, sessions }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const blobs = new BlobStore(config.dataDir);
  const service = new AttachmentService(db, blobs, config.maxUploadBytes);
  const auth = requireAuth(config.jwtSecret, sessions);

  /** Anything that isn't a ULID (`..`, `..%2F`, names) is a 404 before any other check. */
  const validId = createMiddleware<AppEnv>(async (c, next) => {
    if (!isUlid(c.req.param('id'))) throw noSuchAttachment();
    await next();
  });

  /** A signed URL (`?s=&exp=&sig=`) or a bearer token. */
  const readAuth = createMiddleware<AppEnv>(async (c, next) => {
    const q = c.req.query();
    if (q.sig === undefined) return auth(c, next);
    const check = verifyAttachmentSignature(config.jwtSecret, c.req.param('id')!, q, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      throw check.reason === 'expired'
        ? unauthorized('This link has expired', ErrorCode.tokenExpired)
        : unauthorized('This link is not valid');
    }
    const session = sessions.get(check.sessionId);
    if (!session || !sessions.isActive(session.id)) throw unauthorized('This session was signed out', ErrorCode.sessionRevoked);
    c.set('auth', { userId: session.user_id, sessionId: session.id });
    await next();
  });

  /** The attachment `:id` if the caller may read it; a 404 either way otherwise. */
  const readable = (c: Context<AppEnv>): AttachmentRecord => {
    const a = getAttachment(db, c.req.param('id')!);
    if (!a || !canRead(db, a, c.get('auth').userId)) throw noSuchAttachment();
    return a;
  };

  app.post('/', auth, async (c) => {
    const { userId } = c.get('auth');
    const proposed = c.req.header(ATTACHMENT_ID_HEADER);
    if (proposed !== undefined && !isUlid(proposed)) throw badRequest(`${ATTACHMENT_ID_HEADER} must be a ULID`);
    let name = 'file';
    const rawName = c.req.header(FILENAME_HEADER);
    if (rawName) {
      try {
        name = decodeURIComponent(rawName);
      } catch {
        throw badRequest(`${FILENAME_HEADER} must be URL-encoded`);
      }
    }
    const length = c.req.header('Content-Length');
    const body = c.req.raw.body;
    if (!body) throw badRequest('The request has no body');
    const { attachment, created } = await service.upload({
      uploaderId: userId,
      name,
      ...(proposed ? { id: proposed } : {}),
      ...(length && /^\d+$/.test(length) ? { contentLength: Number(length) } : {}),
      body: Readable.fromWeb(body as NodeWebStream<Uint8Array>),
    });
    return c.json({ attachment: toApi(attachment) } satisfies AttachmentResponse, created ? 201 : 200);
  });

  // Bearer only: a signed URL must not mint further signed URLs past its own expiry.
  app.get('/:id/url', validId, auth, (c) => {
    const a = readable(c);
    const exp = Math.floor(Date.now() / 1000) + SIGNED_URL_TTL_S;
    const query = signedQuery(signAttachment(config.jwtSecret, a.id, c.get('auth').sessionId, exp));
    const base = `/api/attachments/${a.id}`;
    return c.json({
      url: `${base}?${query}`,
      thumbnailUrl: a.hasThumbnail ? `${base}/thumbnail?${query}` : null,
      expiresAt: new Date(exp * 1000).toISOString(),
    } satisfies AttachmentUrlResponse);
  });

  app.get('/:id', validId, readAuth, async (c) => {
    const a = readable(c);
    const inline = isInlineImage(a.mime);
    return serveFile(c, {
      path: blobs.blobPath(a.sha256),
      contentType: a.mime === 'text/plain' ? 'text/plain; charset=utf-8' : a.mime,
      etag: `"${a.sha256}"`,
      disposition: contentDisposition(inline ? 'inline' : 'attachment', a.name),
    });
  });

  app.get('/:id/thumbnail', validId, readAuth, async (c) => {
    const a = readable(c);
    if (!a.hasThumbnail) throw notFound('This attachment has no thumbnail');
    return serveFile(c, {
      path: blobs.thumbPath(a.sha256),
      contentType: 'image/webp',
      etag: `"${a.sha256}-thumb"`,
      disposition: contentDisposition('inline', `${a.name.replace(/\.[^.]*$/, '')}.webp`),
    });
  });

  /** Streams a stored file with validators and ranges; the headers are the same on every status. */
  async function serveFile(
    c: Context<AppEnv>,
    f: { path: string; contentType: string; etag: string; disposition: string },
  ): Promise<Response> {
    const size = await blobs.sizeOf(f.path);
    if (size === undefined) throw noSuchAttachment(); // recorded, but its bytes are gone
    const headers = new Headers({
      'Content-Type': f.contentType,
      'Content-Disposition': f.disposition,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': ATTACHMENT_CSP,
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': CACHE_CONTROL,
      'Accept-Ranges': 'bytes',
      ETag: f.etag,
    });
    if (etagMatches(c.req.header('If-None-Match'), f.etag)) return new Response(null, { status: 304, headers });
    // If-Range with another validator: the client's partial copy is stale, send everything.
    const ifRange = c.req.header('If-Range');
    const range = ifRange && ifRange !== f.etag ? undefined : parseRange(c.req.header('Range'), size);
    if (range === 'unsatisfiable') {
      headers.set('Content-Range', `bytes */${size}`);
      headers.delete('Content-Disposition');
      return new Response(null, { status: 416, headers });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    headers.set('Content-Length', String(end - start + 1));
    if (range) headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
    const status = range ? 206 : 200;
    if (c.req.method === 'HEAD') return new Response(null, { status, headers });
    const stream = Readable.toWeb(createReadStream(f.path, { start, end })) as ReadableStream<Uint8Array>;
    return new Response(stream, { status, headers });
  }

  return app;
}
