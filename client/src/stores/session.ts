/**
 * createSessionStore: who is logged in on this device. The access token lives in memory
 * only; the refresh token is an httpOnly cookie scoped to `/api/auth`, so a reload restores
 * the login with one `POST /api/auth/refresh`. The token is refreshed a minute before it
 * expires, refreshes are serialised across tabs (a refresh token presented twice revokes
 * the session on the server), and logging out in one tab logs out the others.
 */
import { createSignal, type Accessor } from 'solid-js';
import { ApiError, createHttp, type Http } from '../api/http.ts';
import { createApi, type Api } from '../api/endpoints.ts';
import { deviceName } from '../lib/device-name.ts';
import type { LoginBody, LoginResponse, Me, RefreshResponse, RegisterBody } from '#shared/api/users';
import type { RegisterResponse } from '#shared/api/responses';

export type SessionStatus = 'starting' | 'signed-out' | 'signed-in';

export interface SessionStore {
  status: Accessor<SessionStatus>;
  user: Accessor<Me | null>;
  /** Authenticated HTTP (bearer token, one refresh-and-retry on `token_expired`). */
  http: Http;
  api: Api;
  /** Restores a login from the refresh cookie; ends in `signed-in` or `signed-out`. */
  start(): Promise<void>;
  /** Throws `ApiError` (e.g. `invalid_credentials`, `rate_limited`). */
  login(body: LoginBody): Promise<void>;
  /** Creates the account, then logs in with it. */
  register(body: RegisterBody): Promise<void>;
  logout(): Promise<void>;
  /** Replaces the profile after an edit. */
  setUser(me: Me): void;
  dispose(): void;
}

/** Refresh this long before the token expires. */
const REFRESH_LEAD_MS = 60_000;
/** Retry a refresh that failed for want of a network this soon. */
const REFRESH_RETRY_MS = 15_000;
const LOCK_NAME = 'parley-auth-refresh';
const CHANNEL_NAME = 'parley-session';

type TabMessage = { type: 'logged-out' } | { type: 'logged-in' };

export function createSessionStore(opts: { fetch?: typeof fetch } = {}): SessionStore {
  const [status, setStatus] = createSignal<SessionStatus>('starting');
  const [user, setUser] = createSignal<Me | null>(null);
  let token: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<boolean> | null = null;

  const plain = createHttp({ fetch: opts.fetch });
  const http = createHttp({ fetch: opts.fetch, auth: { accessToken: () => token, refresh } });
  const api = createApi(http);
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), Math.max(1_000, ms));
  }

  function accept(t: RefreshResponse) {
    token = t.accessToken;
    const ttl = Date.parse(t.expiresAt) - Date.now();
    schedule(ttl - Math.min(REFRESH_LEAD_MS, ttl / 2));
  }

  function signedOut() {
    clearTimeout(timer);
    token = null;
    setUser(null);
    setStatus('signed-out');
  }

  function refresh(): Promise<boolean> {
    refreshing ??= withLock(async () => {
      try {
        accept(await plain.post<RefreshResponse>('/api/auth/refresh'));
        return true;
      } catch (e) {
        if (e instanceof ApiError) signedOut();
        else if (status() === 'signed-in') schedule(REFRESH_RETRY_MS);
        return false;
      }
    }).finally(() => (refreshing = null));
    return refreshing;
  }

  async function start() {
    if (!(await refresh())) return signedOut();
    try {
      setUser(await api.me());
      setStatus('signed-in');
    } catch {
      signedOut();
    }
  }

  async function login(body: LoginBody) {
    const res = await plain.post<LoginResponse>('/api/auth/login', { ...body, deviceName: body.deviceName ?? deviceName() });
    accept(res);
    setUser(res.user);
    setStatus('signed-in');
    post({ type: 'logged-in' });
  }

  async function register(body: RegisterBody) {
    await plain.post<RegisterResponse>('/api/auth/register', body);
    await login({ username: body.username, password: body.password });
  }

  async function logout() {
    try {
      await http.post('/api/auth/logout');
    } catch {
      // Logged out here regardless; the server session expires or is revoked in settings.
    }
    signedOut();
    post({ type: 'logged-out' });
  }

  function post(msg: TabMessage) {
    channel?.postMessage(msg);
  }

  if (channel) {
    channel.onmessage = (ev: MessageEvent<TabMessage>) => {
      if (ev.data?.type === 'logged-out') signedOut();
      else if (ev.data?.type === 'logged-in' && status() === 'signed-out') void start();
    };
  }

  return {
    status,
    user,
    http,
    api,
    start,
    login,
    register,
    logout,
    setUser,
    dispose() {
      clearTimeout(timer);
      channel?.close();
    },
  };
}

/** Runs `fn` under a Web Lock shared by every tab of the origin, where supported. */
function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // request() resolves with what fn resolves with; its typing nests the promise.
  return locks ? (locks.request(LOCK_NAME, fn) as unknown as Promise<T>) : fn();
}
