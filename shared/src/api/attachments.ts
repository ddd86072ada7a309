/**
 * Attachments over REST (DESIGN §7): the upload headers, what the server answers, and
 * which types are shown inline. The size limit is the server's (`GET /api/config`,
 * `limits.maxUploadBytes`).
 */
import type { AttachmentRef } from '../room-doc/schema.ts';

/** Request header with the file's name, URL-encoded (`encodeURIComponent`). */
export const FILENAME_HEADER = 'X-Filename';

/**
 * Optional request header: a ULID made on the device, so a message written offline can
 * name its attachment before the upload. Uploading the same id again with the same bytes
 * returns the stored attachment (200); a different file or another user gets 409.
 */
export const ATTACHMENT_ID_HEADER = 'X-Attachment-Id';

/**
 * The raster image types the server serves inline and the app shows as images; every
 * other type (SVG and HTML included) is served as a download.
 */
export const INLINE_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** True when `mime` is one of {@link INLINE_IMAGE_TYPES}. */
export function isInlineImage(mime: string): boolean {
  return INLINE_IMAGE_TYPES.includes(mime);
}

/** The message kind for an attachment of this (sniffed) type. */
export function attachmentKind(mime: string): 'image' | 'file' {
  return isInlineImage(mime) ? 'image' : 'file';
}

/** Thumbnails fit in a square of this many pixels (WebP, never enlarged). */
export const THUMBNAIL_MAX_PX = 320;

/** How long a signed URL from `GET /api/attachments/:id/url` stays valid. */
export const SIGNED_URL_TTL_S = 300;

/**
 * An attachment as the server stored it. `mime` is decided from the bytes, never from the
 * client's `Content-Type`; `width`/`height` are set for images the server could read.
 */
export interface ApiAttachment extends AttachmentRef {
  /** Hex SHA-256 of the bytes; also the `ETag` of the download. */
  sha256: string;
  /** Whether `GET /api/attachments/:id/thumbnail` has something to serve. */
  hasThumbnail: boolean;
}

/** `POST /api/attachments` (201, or 200 for a repeated `X-Attachment-Id`). */
export interface AttachmentResponse {
  attachment: ApiAttachment;
}

/** `GET /api/attachments/:id/url`: short-lived URLs usable without a bearer token (`<img src>`). */
export interface AttachmentUrlResponse {
  /** Path and query, relative to the server's origin. */
  url: string;
  /** The thumbnail's signed URL, or null when there is none. */
  thumbnailUrl: string | null;
  /** ISO time after which both URLs answer 401. */
  expiresAt: string;
}

/** The {@link AttachmentRef} a message carries for a stored attachment. */
export function toAttachmentRef(a: ApiAttachment): AttachmentRef {
  const ref: AttachmentRef = { id: a.id, name: a.name, mime: a.mime, size: a.size };
  if (a.width !== undefined) ref.width = a.width;
  if (a.height !== undefined) ref.height = a.height;
  return ref;
}
