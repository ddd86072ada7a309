/**
 * `GET /api/blocks`, `POST /api/blocks {userId}`, `DELETE /api/blocks/:userId`. Behind
 * `requireAuth`. Every change is announced (`blockChanged`) so the sync hub can stop
 * presence and DM writes at once.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { badRequest, notFound } from '../errors.ts';
import { parseJson } from '../validate.ts';
import { BlockBody, type BlockResponse } from '#shared/api/users';
import type { BlocksResponse } from '#shared/api/responses';
import type { UserId } from '#shared/ids';
import { getPublicUser } from '../../accounts/users.ts';
import { addBlock, listBlocks, removeBlock } from '../../accounts/blocks.ts';

export function blockRoutes({ db, events }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => {
    const res: BlocksResponse = { blocks: listBlocks(db, c.get('auth').userId) };
    return c.json(res);
  });

  /** 201 when the block is new, 200 when it was already there (same body). */
  app.post('/', async (c) => {
    const { userId } = c.get('auth');
    const { userId: targetId } = await parseJson(c, BlockBody);
    if (targetId === userId) throw badRequest('You cannot block yourself');
    const user = getPublicUser(db, targetId);
    if (!user) throw notFound('No such user');
    const { createdAt, created } = addBlock(db, userId, user.id);
    if (created) {
      events.emit('blockChanged', { blockerId: userId, blockedId: user.id, blocked: true });
      events.emit('accountChanged', { userId, what: 'blocks' });
    }
    const res: BlockResponse = { block: { user, createdAt } };
    return c.json(res, created ? 201 : 200);
  });

  app.delete('/:userId', (c) => {
    const { userId } = c.get('auth');
    const targetId = c.req.param('userId') as UserId;
    if (!removeBlock(db, userId, targetId)) throw notFound('This user is not blocked');
    events.emit('blockChanged', { blockerId: userId, blockedId: targetId, blocked: false });
    events.emit('accountChanged', { userId, what: 'blocks' });
    return c.body(null, 204);
  });

  return app;
}
