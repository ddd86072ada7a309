/**
 * Short-lived signed URLs for attachments (`<img src>` can't send a bearer token). The
 * query `?s=<sessionId>&exp=<unix seconds>&sig=<HMAC-SHA256>` binds the attachment id,
 * the session that asked and the expiry; the key is derived from the JWT secret, so the
 * secret itself signs only one kind of thing. Whoever presents the URL acts as that
 * session, which is re-checked (active, still allowed to read) on every request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedParams {
  s: string;
  exp: number;
  sig: string;
}

const keys = new WeakMap<Uint8Array, Buffer>();
function keyFor(secret: Uint8Array): Buffer {
  let k = keys.get(secret);
  if (!k) keys.set(secret, (k = createHmac('sha256', secret).update('parley attachment url v1').digest()));
  return k;
}

function mac(secret: Uint8Array, id: string, sessionId: string, exp: number): string {
  return createHmac('sha256', keyFor(secret)).update(`${id}\n${sessionId}\n${exp}`).digest('base64url');
}

/** The query parameters that let `sessionId` read attachment `id` until `exp` (unix seconds). */
export function signAttachment(secret: Uint8Array, id: string, sessionId: string, exp: number): SignedParams {
  return { s: sessionId, exp, sig: mac(secret, id, sessionId, exp) };
}

/** The query string (without `?`) of {@link signAttachment}. */
export function signedQuery(p: SignedParams): string {
  return new URLSearchParams({ s: p.s, exp: String(p.exp), sig: p.sig }).toString();
}

/** Why a signed URL was refused. */
export type SignatureCheck = { ok: true; sessionId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks signature first (so an expired forgery is "invalid"), then expiry against `nowS`. */
export function verifyAttachmentSignature(
  secret: Uint8Array,
  id: string,
  q: { s?: string; exp?: string; sig?: string },
  nowS: number,
): SignatureCheck {
  if (!q.s || !q.exp || !q.sig || !/^\d{1,12}$/.test(q.exp)) return { ok: false, reason: 'invalid' };
  const exp = Number(q.exp);
  const want = Buffer.from(mac(secret, id, q.s, exp));
  const got = Buffer.from(q.sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'invalid' };
  if (exp <= nowS) return { ok: false, reason: 'expired' };
  return { ok: true, sessionId: q.s };
}
