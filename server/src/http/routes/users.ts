/**
 * `GET /api/users?q=` (people search) and `GET /api/users/:id`. Behind `requireAuth`;
 * answers only public fields (id, username, display name).
 *
 * An empty or blank `q` answers `[]` rather than 400: the client searches as the user
 * types, and an empty box simply has no results.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { parseQuery } from '../validate.ts';
import { UserSearchQuery, type UserResponse } from '#shared/api/users';
import type { UsersResponse } from '#shared/api/responses';
import { getPublicUser, searchUsers } from '../../accounts/users.ts';

export function userRoutes({ db }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => {
    const { q } = parseQuery(c, UserSearchQuery);
    const res: UsersResponse = { users: searchUsers(db, q, c.get('auth').userId) };
    return c.json(res);
  });

  app.get('/:id', (c) => {
    const user = getPublicUser(db, c.req.param('id'));
    if (!user) throw notFound('No such user');
    const res: UserResponse = { user };
    return c.json(res);
  });

  return app;
}
