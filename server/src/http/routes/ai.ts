/**
 * `GET /api/ai/replies?since=&limit=`: the replies the AI wrote on the caller's behalf,
 * newest first, so they can see on return what was said for them. Behind `requireAuth`.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { parseQuery } from '../validate.ts';
import { AiRepliesQuery, type AiRepliesResponse } from '#shared/api/ai';
import { AiLedger } from '../../ai/ledger.ts';

export function aiRoutes({ db }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ledger = new AiLedger(db);

  app.get('/replies', (c) => {
    const q = parseQuery(c, AiRepliesQuery);
    // Stored times are UTC ISO strings: compare like with like.
    const since = q.since ? new Date(q.since).toISOString() : undefined;
    const res: AiRepliesResponse = { replies: ledger.list(c.get('auth').userId, { since, limit: q.limit }) };
    return c.json(res);
  });

  return app;
}
