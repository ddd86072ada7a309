/**
 * `/api/auth`: register, login, refresh, logout (DESIGN §7). Not behind `requireAuth`:
 * login and refresh are how a token is obtained, and logout must work with an expired one.
 *
 * The refresh token travels only in the `parley_refresh` cookie (httpOnly, SameSite=Strict,
 * scoped to this path), so page scripts never see it; the access token is returned in the
 * body and kept in memory by the client.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { AppError, tooManyRequests, unauthorized } from '../errors.ts';
import { parseJson } from '../validate.ts';
import { authenticate } from '../middleware/auth.ts';
import { ErrorCode } from '#shared/errors';
import { LoginBody, RegisterBody, type LoginResponse, type RefreshResponse } from '#shared/api/users';
import type { RegisterResponse } from '#shared/api/responses';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../auth/passwords.ts';
import { signAccessToken } from '../../auth/tokens.ts';
import { RateLimiter } from '../../limits/rate-limiter.ts';
import { createUser, getUserRowByUsername, toMe, UsernameTakenError } from '../../accounts/users.ts';
import { deviceNameFromUserAgent } from '../../accounts/device-name.ts';

export const REFRESH_COOKIE = 'parley_refresh';
const COOKIE_PATH = '/api/auth';

/**
 * The peer address of the TCP connection. X-Forwarded-For is ignored on purpose: anyone
 * can send it, and trusting it would let one client spread its attempts over made-up
 * addresses. (Behind a reverse proxy all clients share the proxy's limit.)
 */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in unit tests has no socket
  }
}

function setRefreshCookie(c: Context<AppEnv>, token: string, maxAgeS: number): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: COOKIE_PATH,
    maxAge: Math.floor(maxAgeS),
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

const clearRefreshCookie = (c: Context<AppEnv>) =>
  deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH, secure: new URL(c.req.url).protocol === 'https:' });

const invalidCredentials = () => new AppError(401, ErrorCode.invalidCredentials, 'Wrong username or password');

export function authRoutes({ config, db, sessions }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const registerPerIp = new RateLimiter(config.registerPerIpPerMin);
  const loginPerUser = new RateLimiter(config.loginPerUserPerMin);
  const loginPerIp = new RateLimiter(config.loginPerIpPerMin);

  const limit = (limiter: RateLimiter, key: string) => {
    const wait = limiter.take(key);
    if (wait > 0) throw tooManyRequests(wait);
  };

  app.post('/register', async (c) => {
    limit(registerPerIp, clientAddress(c));
    const body = await parseJson(c, RegisterBody);
    // Checked before hashing so a taken name costs no scrypt; the unique index still
    // decides a race between two registrations.
    if (getUserRowByUsername(db, body.username)) throw usernameTaken(body.username);
    const passwordHash = await hashPassword(body.password);
    try {
      const row = createUser(db, { username: body.username, displayName: body.displayName, passwordHash });
      const res: RegisterResponse = { user: toMe(row) };
      return c.json(res, 201);
    } catch (e) {
      if (e instanceof UsernameTakenError) throw usernameTaken(body.username);
      throw e;
    }
  });

  app.post('/login', async (c) => {
    const body = await parseJson(c, LoginBody);
    limit(loginPerIp, clientAddress(c));
    limit(loginPerUser, body.username);
    const row = getUserRowByUsername(db, body.username);
    // An unknown user costs one scrypt too, so timing doesn't tell which part was wrong.
    const ok = await verifyPassword(body.password, row?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!row || !ok) throw invalidCredentials();

    const deviceName = body.deviceName || deviceNameFromUserAgent(c.req.header('User-Agent'));
    const { session, refreshToken } = sessions.create(row.id, deviceName);
    const access = await signAccessToken(config.jwtSecret, { userId: row.id, sessionId: session.id }, config.accessTokenTtlS);
    setRefreshCookie(c, refreshToken, config.refreshTokenTtlS);
    const res: LoginResponse = { accessToken: access.token, expiresAt: access.expiresAt, user: toMe(row), sessionId: session.id };
    return c.json(res);
  });

  // A refused refresh token is dead for good: drop the cookie so the client stops sending it.
  // (After next(), an error thrown below has already become the problem response.)
  app.use('/refresh', async (c, next) => {
    await next();
    if (c.error && getCookie(c, REFRESH_COOKIE)) clearRefreshCookie(c);
  });

  app.post('/refresh', async (c) => {
    const presented = getCookie(c, REFRESH_COOKIE);
    if (!presented) throw unauthorized('No refresh token');
    const outcome = sessions.rotate(presented);
    if (!outcome.ok) {
      if (outcome.reason === 'unknown') throw unauthorized('Unknown refresh token');
      // 'reused': a rotated token came back, so a copy exists elsewhere; rotate() has
      // revoked the session. 'inactive': signed out or expired earlier.
      throw unauthorized('This session was signed out', ErrorCode.sessionRevoked);
    }
    const { session, refreshToken } = outcome;
    const access = await signAccessToken(config.jwtSecret, { userId: session.user_id, sessionId: session.id }, config.accessTokenTtlS);
    setRefreshCookie(c, refreshToken, config.refreshTokenTtlS);
    const res: RefreshResponse = { accessToken: access.token, expiresAt: access.expiresAt };
    return c.json(res);
  });

  /**
   * Signs out the session named by a valid bearer token, else the one the refresh cookie
   * belongs to. Always 204 (signing out twice is not an error) and always clears the cookie.
   */
  app.post('/logout', async (c) => {
    let sessionId: string | undefined;
    const bearer = c.req.header('Authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) {
      try {
        sessionId = (await authenticate(config.jwtSecret, sessions, bearer)).sessionId;
      } catch {
        // An expired or revoked access token must not keep anyone from signing out: fall
        // back to the cookie.
      }
    }
    const cookie = getCookie(c, REFRESH_COOKIE);
    if (!sessionId && cookie) sessionId = sessions.sessionIdForRefreshToken(cookie);
    if (sessionId) sessions.revoke(sessionId);
    clearRefreshCookie(c);
    return c.body(null, 204);
  });

  return app;
}

const usernameTaken = (username: string) => new AppError(409, ErrorCode.usernameTaken, `The username "${username}" is taken`);
