/**
 * The initial JavaScript: the module scripts and modulepreload links of the built
 * index.html, each gzipped (level 9, as a static server would precompress) and summed.
 * Chunks loaded later (lazy routes) are listed apart.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  initial: { file: string; bytes: number; gzip: number }[];
  initialGzip: number;
  initialBytes: number;
  /** Every other .js chunk in assets/, gzipped (loaded on demand). */
  lazyGzip: number;
}

export function initialJs(distDir: string): BundleSize {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const srcs = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*\bsrc="([^"]+)"/g)) srcs.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*\bhref="([^"]+)"/g)) srcs.add(m[1]!);
  const initial = [...srcs].map((src) => {
    const buf = readFileSync(join(distDir, src.replace(/^\//, '')));
    return { file: src, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  });
  const assets = join(distDir, 'assets');
  const lazyGzip = readdirSync(assets)
    .filter((f) => f.endsWith('.js') && !srcs.has(`/assets/${f}`))
    .reduce((s, f) => s + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  return {
    initial,
    initialGzip: initial.reduce((s, f) => s + f.gzip, 0),
    initialBytes: initial.reduce((s, f) => s + f.bytes, 0),
    lazyGzip,
  };
}
