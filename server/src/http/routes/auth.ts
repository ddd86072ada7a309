import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';

// TODO(skeleton): routes of this resource.
export function authRoutes(_deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
