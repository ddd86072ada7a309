/**
 * `GET/PATCH /api/me` (own account and settings) and `GET /api/sessions`,
 * `DELETE /api/sessions/:id` (own devices). Mounted at `/api`, behind `requireAuth`.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { notFound, unauthorized } from '../errors.ts';
import { parseJson } from '../validate.ts';
import { PatchMeBody } from '#shared/api/users';
import type { SessionsResponse } from '#shared/api/responses';
import { getMe, updateMe } from '../../accounts/users.ts';

export function meRoutes({ db, sessions, events }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/me', (c) => {
    const me = getMe(db, c.get('auth').userId);
    // A valid token of a user that no longer exists: treat as signed out.
    if (!me) throw unauthorized('This account no longer exists');
    return c.json(me);
  });

  app.patch('/me', async (c) => {
    const { userId } = c.get('auth');
    const patch = await parseJson(c, PatchMeBody);
    const result = updateMe(db, userId, patch);
    if (!result) throw unauthorized('This account no longer exists');
    if (result.settingsChanged) events.emit('settingsChanged', { userId });
    events.emit('accountChanged', { userId, what: 'profile' });
    return c.json(result.me);
  });

  app.get('/sessions', (c) => {
    const { userId, sessionId } = c.get('auth');
    const sessionList = sessions.listForUser(userId).map((s) => ({
      id: s.id,
      deviceName: s.device_name,
      createdAt: s.created_at,
      lastUsedAt: s.last_used_at,
      current: s.id === sessionId,
    }));
    const res: SessionsResponse = { sessions: sessionList };
    return c.json(res);
  });

  app.delete('/sessions/:id', (c) => {
    const { userId } = c.get('auth');
    const s = sessions.get(c.req.param('id'));
    // Someone else's session answers exactly like a missing one: ids are not confirmed.
    if (!s || s.user_id !== userId || s.revoked_at) throw notFound('No such session');
    sessions.revoke(s.id);
    return c.body(null, 204);
  });

  return app;
}
