/**
 * `requireAuth`: a bearer access token whose signature, algorithm, issuer, audience and
 * expiry check out, and whose session is still active (revocation works at once).
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv, AuthContext } from '../env.ts';
import { unauthorized } from '../errors.ts';
import { ErrorCode } from '#shared/errors';
import { TokenError, verifyAccessToken } from '../../auth/tokens.ts';
import type { SessionStore } from '../../auth/sessions.ts';

/** Verifies a raw access token; throws a 401 `AppError`. Shared by HTTP and sockets. */
export async function authenticate(secret: Uint8Array, sessions: SessionStore, token: string): Promise<AuthContext> {
  let claims;
  try {
    claims = await verifyAccessToken(secret, token);
  } catch (e) {
    const expired = e instanceof TokenError && e.reason === 'expired';
    throw unauthorized(expired ? 'Access token expired' : 'Invalid access token', expired ? ErrorCode.tokenExpired : ErrorCode.unauthorized);
  }
  if (!sessions.isActive(claims.sessionId)) throw unauthorized('This session was signed out', ErrorCode.sessionRevoked);
  return claims;
}

export function requireAuth(secret: Uint8Array, sessions: SessionStore) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('Authorization');
    const m = header?.match(/^Bearer\s+(\S+)$/i);
    if (!m) throw unauthorized('Missing bearer token');
    c.set('auth', await authenticate(secret, sessions, m[1]!));
    await next();
  });
}
