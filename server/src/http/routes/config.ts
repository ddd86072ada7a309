/** `GET /api/config` (the limits the app respects; no token needed) and `GET /api/health`. */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import type { PublicConfig } from '#shared/api/config';
import { PROTOCOL_VERSION } from '#shared/protocol/version';

export function configRoutes({ config, db }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/config', (c) => {
    const body: PublicConfig = {
      limits: {
        maxUploadBytes: config.maxUploadBytes,
        maxTextChars: config.maxTextChars,
        maxUpdateBytes: config.maxUpdateBytes,
        editWindowSeconds: config.editWindowS,
        messagesPerMinute: config.messagesPerMin,
        loginAttemptsPerMinute: config.loginPerUserPerMin,
      },
      ai: { available: !!config.gemini.apiKey },
      protocolVersion: PROTOCOL_VERSION,
    };
    return c.json(body);
  });
  app.get('/health', (c) => {
    db.prepare('SELECT 1').get();
    return c.json({ ok: true });
  });
  return app;
}
