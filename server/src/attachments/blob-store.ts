/**
 * Attachment bytes on disk, content-addressed: `DATA_DIR/attachments/blobs/<ab>/<sha256>`,
 * thumbnails beside them in `thumbs/`. An upload streams into `tmp/` (same file system,
 * so the final rename is atomic) while it is hashed and counted; the same bytes uploaded
 * twice end up as one file. Paths are built from hex digests only, never from ids or
 * names a client sent, so nothing outside the store can be reached.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What {@link BlobStore.receive} got: a temp file to commit or discard. */
export interface Received {
  tmpPath: string;
  sha256: string;
  size: number;
}

/** Thrown by {@link BlobStore.receive} once the body passes the limit; the temp file is gone. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
  }
}

export class BlobStore {
  readonly root: string;
  readonly tmpDir: string;
  private readonly blobDir: string;
  private readonly thumbDir: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'attachments');
    this.tmpDir = join(this.root, 'tmp');
    this.blobDir = join(this.root, 'blobs');
    this.thumbDir = join(this.root, 'thumbs');
    for (const d of [this.tmpDir, this.blobDir, this.thumbDir]) mkdirSync(d, { recursive: true });
    // Leftovers of uploads cut short by a crash: nothing refers to them.
    for (const f of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, f), { force: true });
  }

  /**
   * Streams `body` into a temp file, hashing and counting as it goes. Past `limit` bytes
   * it stops reading at once, removes the temp file and throws {@link TooLargeError};
   * any other failure (client gone) also removes the temp file.
   */
  async receive(body: Readable, limit: number): Promise<Received> {
    const tmpPath = this.tempPath('.part');
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) return done(new TooLargeError(limit));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmpPath, { flags: 'wx' }));
    } catch (e) {
      await rm(tmpPath, { force: true });
      throw e;
    }
    return { tmpPath, sha256: hash.digest('hex'), size };
  }

  /** Moves a received file to its content address; a copy already there wins (same bytes). */
  async commit(r: Received): Promise<void> {
    const dest = this.blobPath(r.sha256);
    if (existsSync(dest)) {
      await rm(r.tmpPath, { force: true });
      return;
    }
    mkdirSync(join(dest, '..'), { recursive: true });
    await rename(r.tmpPath, dest);
  }

  /** Removes a received file that will not be kept. */
  async discard(r: Received): Promise<void> {
    await rm(r.tmpPath, { force: true });
  }

  /** The path of the blob with this digest. */
  blobPath(sha256: string): string {
    return join(this.blobDir, checkDigest(sha256).slice(0, 2), sha256);
  }

  /** The path of the thumbnail of the blob with this digest (it may not exist). */
  thumbPath(sha256: string): string {
    return join(this.thumbDir, `${checkDigest(sha256)}.webp`);
  }

  /** A fresh, unused path in the temp directory. */
  tempPath(suffix: string): string {
    return join(this.tmpDir, randomBytes(12).toString('hex') + suffix);
  }

  /** Size of a stored blob or thumbnail, or undefined when it is missing. */
  async sizeOf(path: string): Promise<number | undefined> {
    try {
      return (await stat(path)).size;
    } catch {
      return undefined;
    }
  }
}

function checkDigest(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
  return sha256;
}
