/**
 * Server configuration from environment variables (DESIGN §10). Every variable has a
 * working default; tests set limits differently, but no variable turns a check off.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_ENTRY_LIMITS } from '#shared/room-doc/schema';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  jwtSecret: Uint8Array;
  /** Public origin used in invite URLs; derived from the request when unset. */
  publicUrl: string | undefined;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  maxUploadBytes: number;
  maxTextChars: number;
  maxUpdateBytes: number;
  /** JSON request bodies above this size are refused with 413. */
  maxJsonBodyBytes: number;
  editWindowS: number;
  epochMaxMessages: number;
  epochMaxBytes: number;
  /** Login attempts per username per minute, and per address per minute. */
  loginPerUserPerMin: number;
  loginPerIpPerMin: number;
  registerPerIpPerMin: number;
  /** Messages (sync updates or REST posts) per connection/user per minute. */
  messagesPerMin: number;
  /** Seconds a socket may stay without authenticating on `/sync`. */
  authTimeoutS: number;
  /** Heartbeat interval; a socket silent for two intervals is considered dead. */
  heartbeatS: number;
  /** Unload a document nobody has used for this long. */
  docIdleUnloadS: number;
  /** Compact a document's update log into a snapshot past this many rows. */
  compactAfterUpdates: number;
  gemini: { apiKey: string | undefined; model: string; baseUrl: string | undefined };
  aiOfflineGraceS: number;
  /** At most one AI reply per conversation (room and user) per this many seconds. */
  aiReplyIntervalS: number;
  /** At most this many AI replies per user per 24 hours. */
  aiDailyCap: number;
  /** Deadline of one request to the AI provider (it is retried once). */
  aiTimeoutS: number;
  /** Quiet the request log (tests). */
  quiet: boolean;
}

function num(env: NodeJS.ProcessEnv, name: string, def: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

/** Reads `JWT_SECRET`, or the secret generated once into `DATA_DIR` so tokens survive restarts. */
function loadSecret(env: NodeJS.ProcessEnv, dataDir: string): Uint8Array {
  if (env.JWT_SECRET) return new TextEncoder().encode(env.JWT_SECRET);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** Builds the configuration; creates `DATA_DIR` if it is absent. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  return {
    port: env.PORT === '0' ? 0 : num(env, 'PORT', 8787),
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    jwtSecret: loadSecret(env, dataDir),
    publicUrl: env.PUBLIC_URL || undefined,
    accessTokenTtlS: num(env, 'ACCESS_TOKEN_TTL_S', 15 * 60),
    refreshTokenTtlS: num(env, 'REFRESH_TOKEN_TTL_S', 60 * 24 * 3600),
    maxUploadBytes: Math.round(num(env, 'MAX_UPLOAD_MB', 25) * 1024 * 1024),
    maxTextChars: num(env, 'MAX_TEXT_CHARS', DEFAULT_ENTRY_LIMITS.maxTextChars),
    maxUpdateBytes: Math.round(num(env, 'MAX_UPDATE_KB', 1024) * 1024),
    maxJsonBodyBytes: Math.round(num(env, 'MAX_JSON_KB', 64) * 1024),
    editWindowS: num(env, 'EDIT_WINDOW_S', 900),
    epochMaxMessages: num(env, 'EPOCH_MAX_MESSAGES', 1000),
    epochMaxBytes: Math.round(num(env, 'EPOCH_MAX_KB', 256) * 1024),
    loginPerUserPerMin: num(env, 'LOGIN_RATE_PER_USER', 10),
    loginPerIpPerMin: num(env, 'LOGIN_RATE_PER_IP', 30),
    registerPerIpPerMin: num(env, 'REGISTER_RATE_PER_IP', 20),
    messagesPerMin: num(env, 'MESSAGE_RATE_PER_MIN', 600),
    authTimeoutS: num(env, 'SYNC_AUTH_TIMEOUT_S', 5),
    heartbeatS: num(env, 'HEARTBEAT_S', 15),
    docIdleUnloadS: num(env, 'DOC_IDLE_UNLOAD_S', 300),
    compactAfterUpdates: num(env, 'COMPACT_AFTER_UPDATES', 500),
    gemini: {
      apiKey: env.GEMINI_API_KEY || undefined,
      model: env.GEMINI_MODEL || 'gemini-2.5-flash',
      baseUrl: env.GEMINI_BASE_URL || undefined,
    },
    aiOfflineGraceS: num(env, 'AI_OFFLINE_GRACE_S', 60),
    aiReplyIntervalS: num(env, 'AI_REPLY_INTERVAL_S', 300),
    aiDailyCap: num(env, 'AI_DAILY_CAP', 50),
    aiTimeoutS: num(env, 'AI_TIMEOUT_S', 15),
    quiet: env.PARLEY_QUIET === '1',
  };
}
