/**
 * The HTTP details of serving stored bytes: byte ranges (RFC 9110 §14), entity tags, and
 * a `Content-Disposition` that survives any file name.
 */

/** A satisfiable single byte range, both ends inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header against a representation of `size` bytes: a range to serve,
 * `'unsatisfiable'` (416), or undefined to serve the whole (no header, another unit, a
 * malformed or multi-range request — RFC 9110 lets a server ignore those).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

/** True when an `If-None-Match` header names `etag` (weak comparison, `*` included). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * `inline` or `attachment` with the name as RFC 6266/8187 `filename*` (UTF-8,
 * percent-encoded) and a plain-ASCII `filename` fallback with nothing that could end
 * the quoted string or the header.
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = Array.from(name, (ch) => (/^[\x20-\x7e]$/.test(ch) && !'"\\%;'.includes(ch) ? ch : '_')).join('');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
