/** Parses request bodies and queries with the schemas of `shared/api`; failures are 400s. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, fromZod } from './errors.ts';

export async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('The request body must be JSON');
  }
  const r = schema.safeParse(body);
  if (!r.success) throw fromZod(r.error, 'body');
  return r.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw fromZod(r.error, 'query');
  return r.data;
}
