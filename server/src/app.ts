/**
 * createApp(deps): the whole HTTP application (API and the built client). It never listens
 * by itself: `server.ts` attaches it to a Node server, tests may call `app.request()`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import type { Db } from './storage/db.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { Events } from './events.ts';
import type { AppEnv } from './http/env.ts';
import { AppError, notFound, renderProblem } from './http/errors.ts';
import { ErrorCode } from '#shared/errors';
import { requireAuth } from './http/middleware/auth.ts';
import { staticRoutes } from './http/static.ts';
import { configRoutes } from './http/routes/config.ts';
import { authRoutes } from './http/routes/auth.ts';
import { meRoutes } from './http/routes/me.ts';
import { userRoutes } from './http/routes/users.ts';
import { roomRoutes } from './http/routes/rooms.ts';
import { blockRoutes } from './http/routes/blocks.ts';
import { messageRoutes } from './http/routes/messages.ts';
import { attachmentRoutes } from './http/routes/attachments.ts';
import { aiRoutes } from './http/routes/ai.ts';
import type { SyncLayer } from './sync/index.ts';

/** Everything the routes need, built once by `server.ts`. */
export interface AppDeps {
  config: Config;
  db: Db;
  sessions: SessionStore;
  events: Events;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  /** The sync layer: hub (room documents), projection, presence. */
  sync: SyncLayer;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const id = c.req.header('X-Request-Id')?.slice(0, 64) || randomUUID();
    c.set('requestId', id);
    await next();
    c.header('X-Request-Id', id);
  });

  const api = new Hono<AppEnv>();
  const jsonBodyLimit = bodyLimit({
    maxSize: deps.config.maxJsonBodyBytes,
    onError: () => {
      throw new AppError(413, ErrorCode.payloadTooLarge, `The request body is larger than ${deps.config.maxJsonBodyBytes} bytes`);
    },
  });
  // Uploads stream to disk under their own limit (MAX_UPLOAD_MB), checked as they arrive.
  api.use('*', (c, next) => (c.req.method === 'POST' && c.req.path === '/api/attachments' ? next() : jsonBodyLimit(c, next)));
  api.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  const auth = requireAuth(deps.config.jwtSecret, deps.sessions);

  api.route('/', configRoutes(deps));
  api.route('/auth', authRoutes(deps));
  api.use('/me/*', auth, );
  api.use('/me', auth);
  api.use('/sessions/*', auth);
  api.use('/sessions', auth);
  api.use('/users/*', auth);
  api.use('/users', auth);
  api.use('/rooms/*', auth);
  api.use('/rooms', auth);
  api.use('/invites/*', auth);
  api.use('/blocks/*', auth);
  api.use('/blocks', auth);
  api.route('/', meRoutes(deps));
  api.route('/users', userRoutes(deps));
  api.use('/search', auth);
  api.route('/', messageRoutes(deps));
  api.route('/', roomRoutes(deps));
  api.route('/blocks', blockRoutes(deps));
  api.route('/attachments', attachmentRoutes(deps));
  api.use('/ai/*', auth);
  api.route('/ai', aiRoutes(deps));
  api.all('*', (c) => {
    throw notFound(`No route ${c.req.method} ${c.req.path}`);
  });

  app.route('/api', api);
  app.route('/', staticRoutes());

  app.onError((err, c) => {
    if (err instanceof AppError) return renderProblem(c, err);
    deps.log('unhandled error', { requestId: c.get('requestId'), err: String(err?.stack ?? err) });
    return renderProblem(c, new AppError(500, ErrorCode.internal, 'Something went wrong on our side'));
  });
  return app;
}
