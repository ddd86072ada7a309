/**
 * Serves the built client (`dist/client`): hashed assets with long caching, everything
 * else from the SPA's `index.html`, and a strict Content-Security-Policy.
 */
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AppEnv } from './env.ts';

export const CLIENT_DIST = join(import.meta.dirname, '../../../dist/client');

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function staticRoutes(dist = CLIENT_DIST): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const root = relative(process.cwd(), dist) || '.';
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    const path = c.req.path;
    if (path.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    else c.header('Cache-Control', 'no-cache');
  });
  app.use('*', serveStatic({ root }));
  // SPA fallback: any other GET gets the app shell.
  app.get('*', serveStatic({ root, path: 'index.html' }));
  app.get('*', (c) =>
    c.text(existsSync(dist) ? 'Not found' : 'The client is not built: run `npm run build` (npm start does it for you).', 404),
  );
  return app;
}
