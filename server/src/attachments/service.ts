/**
 * Uploading an attachment: stream to disk within the limit, store by content, decide the
 * type from the bytes, measure images and make their thumbnails, record the id. Every
 * upload gets its own id (with its own name and uploader, which authorisation hangs on);
 * uploads of the same bytes share one file on disk and one thumbnail.
 */
import type { Readable } from 'node:stream';
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import { newId } from '#shared/ids';
import { ErrorCode } from '#shared/errors';
import { AppError, badRequest, conflict } from '../http/errors.ts';
import { BlobStore, TooLargeError, type Received } from './blob-store.ts';
import { contentInfoOf, getAttachment, insertAttachment, type AttachmentRecord, type ContentInfo } from './records.ts';
import { sniffType } from './sniff.ts';
import { imageInfo, makeThumbnail } from './images.ts';

export interface UploadInput {
  uploaderId: string;
  /** The file name as the client sent it (already URL-decoded). */
  name: string;
  /** A client-proposed ULID (X-Attachment-Id), already checked for shape. */
  id?: string;
  /** The declared length, when the client sent one: refused before reading if too large. */
  contentLength?: number;
  body: Readable;
}

export interface UploadResult {
  attachment: AttachmentRecord;
  /** False when the same user uploaded the same bytes under the same id before. */
  created: boolean;
}

const tooLarge = (limit: number) =>
  new AppError(413, ErrorCode.payloadTooLarge, `The file is larger than the upload limit of ${limit} bytes`);
const idTaken = () => conflict('This attachment id is already used for another file');

export class AttachmentService {
  constructor(
    private readonly db: Db,
    readonly blobs: BlobStore,
    private readonly maxBytes: number,
  ) {}

  async upload(input: UploadInput): Promise<UploadResult> {
    const earlier = input.id ? getAttachment(this.db, input.id) : undefined;
    // Refuse what is certain before reading a byte of the body.
    if (earlier && earlier.uploaderId !== input.uploaderId) throw idTaken();
    if (input.contentLength !== undefined && input.contentLength > this.maxBytes) throw tooLarge(this.maxBytes);

    let received: Received;
    try {
      received = await this.blobs.receive(input.body, this.maxBytes);
    } catch (e) {
      if (e instanceof TooLargeError) throw tooLarge(this.maxBytes);
      if (isClientGone(e)) throw badRequest('The upload was interrupted');
      throw e;
    }
    if (received.size === 0) {
      await this.blobs.discard(received);
      throw badRequest('The file is empty');
    }
    if (earlier) {
      await this.blobs.discard(received);
      if (earlier.sha256 !== received.sha256) throw idTaken();
      return { attachment: earlier, created: false };
    }

    await this.blobs.commit(received);
    const info = contentInfoOf(this.db, received.sha256) ?? (await this.examine(received.sha256));
    const record: Omit<AttachmentRecord, 'createdAt'> = {
      id: input.id ?? newId(),
      name: cleanName(input.name),
      size: received.size,
      sha256: received.sha256,
      uploaderId: input.uploaderId,
      ...info,
    };
    if (!insertAttachment(this.db, record, nowIso())) {
      // Another request with the same proposed id got there first.
      const winner = getAttachment(this.db, record.id)!;
      if (winner.uploaderId === input.uploaderId && winner.sha256 === record.sha256) return { attachment: winner, created: false };
      throw idTaken();
    }
    return { attachment: getAttachment(this.db, record.id)!, created: true };
  }

  /** Type, dimensions and thumbnail of bytes the store has not seen before. */
  private async examine(sha256: string): Promise<ContentInfo> {
    const path = this.blobs.blobPath(sha256);
    const mime = await sniffType(path);
    const dims = await imageInfo(path, mime);
    if (!dims) return { mime, hasThumbnail: false };
    const hasThumbnail = await makeThumbnail(path, this.blobs.thumbPath(sha256), this.blobs.tempPath('.webp'));
    return { mime, ...dims, hasThumbnail };
  }
}

/**
 * A file name fit to store and show: the last path segment, without control characters,
 * at most 255 characters; "file" when nothing is left.
 */
export function cleanName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = last.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  let out = '';
  for (const ch of name) {
    if (out.length + ch.length > 255) break; // never split a surrogate pair
    out += ch;
  }
  return out || 'file';
}

/** The client went away mid-upload (not our disk failing). */
function isClientGone(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  const name = (e as { name?: unknown })?.name;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR' || name === 'AbortError';
}
