/**
 * Decides an attachment's type from its bytes, never from the client's `Content-Type`.
 * Binary formats (PNG, JPEG, GIF, WebP, PDF, ZIP, audio, video and the many others it
 * knows) by their magic numbers through `file-type`; what it doesn't recognise is
 * `text/plain` when the start of the file is UTF-8 without control characters, else
 * `application/octet-stream`. HTML and SVG are never named as such: they come out as
 * text/plain or application/xml, and only raster images are ever served inline.
 */
import { fileTypeFromFile } from 'file-type';
import { open } from 'node:fs/promises';

/** How much of the start of a file decides "text". */
const TEXT_SAMPLE_BYTES = 64 * 1024;

/** The MIME type of the file at `path`. */
export async function sniffType(path: string): Promise<string> {
  const found = await fileTypeFromFile(path).catch(() => undefined);
  if (found) return found.mime;
  return (await looksLikeText(path)) ? 'text/plain' : 'application/octet-stream';
}

async function looksLikeText(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(TEXT_SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const sample = buf.subarray(0, bytesRead);
    // Control characters other than tab, line breaks, form feed and escape mean binary.
    if (sample.some((b) => (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f)) return false;
    // The sample may end inside a multi-byte character: allow up to 3 bytes to be cut.
    const cut = bytesRead === TEXT_SAMPLE_BYTES ? 3 : 0;
    for (let drop = 0; drop <= cut; drop++) {
      if (isUtf8(sample.subarray(0, bytesRead - drop))) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
