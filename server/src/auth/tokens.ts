/**
 * Access tokens: JWTs signed with HS256 (algorithm pinned on verify), 15 minutes, carrying
 * the user id (`sub`) and the session id (`sid`). Refresh tokens: random, stored only as
 * a SHA-256 hash.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import type { SessionId, UserId } from '#shared/ids';

export const ISSUER = 'parley';
export const AUDIENCE = 'parley-api';
const ALG = 'HS256';

export interface AccessClaims {
  userId: UserId;
  sessionId: SessionId;
}

export class TokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'Access token expired' : 'Invalid access token');
  }
}

export async function signAccessToken(secret: Uint8Array, claims: AccessClaims, ttlS: number) {
  const exp = Math.floor(Date.now() / 1000) + ttlS;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Verifies signature, algorithm, `iss`, `aud` and `exp`; throws {@link TokenError}. */
export async function verifyAccessToken(secret: Uint8Array, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new TokenError('invalid');
    return { userId: payload.sub as UserId, sessionId: payload.sid as SessionId };
  } catch (e) {
    if (e instanceof TokenError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new TokenError('expired');
    throw new TokenError('invalid');
  }
}

export const newRefreshToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
