/**
 * Image dimensions and thumbnails with sharp (libvips, shipped prebuilt as npm packages).
 * Only the raster types shown inline get either; anything sharp can't read is simply a
 * file without dimensions or thumbnail, never an error for the upload.
 */
import type { Sharp, SharpOptions } from 'sharp';
import { rename, rm } from 'node:fs/promises';
import { THUMBNAIL_MAX_PX, isInlineImage } from '#shared/api/attachments';

/** Decoding larger images for a thumbnail would cost too much memory (decompression bombs). */
const MAX_THUMBNAIL_INPUT_PIXELS = 64_000_000;

type SharpFn = (input: string, options?: SharpOptions) => Sharp;
let loading: Promise<SharpFn | undefined> | undefined;
/** sharp, loaded on first use; undefined if its native part can't load here (uploads still work). */
function loadSharp(): Promise<SharpFn | undefined> {
  return (loading ??= import('sharp').then(
    (m) => {
      // Uploads are read once: libvips' operation cache would only hold memory and files.
      m.default.cache(false);
      return m.default;
    },
    () => undefined,
  ));
}

export interface ImageInfo {
  width: number;
  height: number;
}

/**
 * Width and height as displayed (EXIF orientation applied; one frame of an animation),
 * read from the headers without decoding the pixels. Undefined for non-images.
 */
export async function imageInfo(path: string, mime: string): Promise<ImageInfo | undefined> {
  if (!isInlineImage(mime)) return undefined;
  const sharp = await loadSharp();
  if (!sharp) return undefined;
  try {
    const m = await sharp(path, { limitInputPixels: false }).metadata();
    const { width, height } = m.autoOrient ?? m;
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a WebP thumbnail (first frame, oriented, at most THUMBNAIL_MAX_PX a side) of the
 * image at `src` to `dest`, through `tmp` so a half-written thumbnail is never served.
 * Returns whether there is one.
 */
export async function makeThumbnail(src: string, dest: string, tmp: string): Promise<boolean> {
  const sharp = await loadSharp();
  if (!sharp) return false;
  try {
    await sharp(src, { limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS })
      .autoOrient()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toFile(tmp);
    await rename(tmp, dest);
    return true;
  } catch {
    await rm(tmp, { force: true });
    return false;
  }
}
