/**
 * Builds the client with Vite when `dist/client` is missing or older than any client or
 * shared source file, so `npm start` on a fresh clone needs no separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_DIST } from './http/static.ts';

const ROOT = join(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function clientBuildIsStale(): boolean {
  const index = join(CLIENT_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [join(ROOT, 'client'), join(ROOT, 'shared')].some((d) => existsSync(d) && newestMtime(d) > built);
}

export async function ensureClientBuilt(): Promise<void> {
  if (!clientBuildIsStale()) return;
  console.log('Building the client…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'client/vite.config.ts'), logLevel: 'warn' });
}
