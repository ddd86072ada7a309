/**
 * createSessionStore: who is logged in on this device. The access token lives in memory
 * only; the refresh token is an httpOnly cookie scoped to `/api/auth`, so a reload restores
 * the login with one `POST /api/auth/refresh`. The token is refreshed a minute before it
 * expires, refreshes are serialised across tabs (a refresh token presented twice revokes
 * the session on the server), and logging out in one tab logs out the others.
 * The last user is remembered in localStorage so the app starts without a network, and
 * without waiting for it: only a 401 from the refresh call means signed out; a failed
 * network means "offline, same user".
 */
import { createSignal, type Accessor } from 'solid-js';
import { ApiError, createHttp, type Http, type Query } from '../api/http.ts';
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
  /**
   * An access token good for at least a while, refreshed first when it is missing or
   * about to expire (the sync connection calls this before each connect). Throws when
   * there is none (offline, or signed out).
   */
  freshToken(): Promise<string>;
  /** This device's id (the session id), once known from a login or a token. */
  deviceId(): string | null;
  /** Signs out locally after the server refused the session (fatal sync close). */
  expire(): void;
  dispose(): void;
}

/** Refresh this long before the token expires. */
const REFRESH_LEAD_MS = 60_000;
/** Retry a refresh that failed for want of a network this soon. */
const REFRESH_RETRY_MS = 15_000;
const LOCK_NAME = 'parley-auth-refresh';
const CHANNEL_NAME = 'parley-session';
const LAST_USER_KEY = 'parley:last-user';
const DEVICE_KEY = 'parley:device-id';

type TabMessage = { type: 'logged-out' } | { type: 'logged-in' };

export function createSessionStore(opts: { fetch?: typeof fetch } = {}): SessionStore {
  const [status, setStatus] = createSignal<SessionStatus>('starting');
  const [user, setUser] = createSignal<Me | null>(null);
  let token: string | null = null;
  let tokenExpires = 0;
  let device: string | null = readStored(DEVICE_KEY);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<boolean> | null = null;

  const plain = createHttp({ fetch: opts.fetch });
  const authed = createHttp({ fetch: opts.fetch, auth: { accessToken: () => token, refresh } });
  // A call made while the start-up refresh is out waits for its token.
  const ready = async () => {
    if (!token && refreshing) await refreshing;
  };
  const http: Http = {
    get: <T>(path: string, query?: Query) => ready().then(() => authed.get<T>(path, query)),
    post: <T>(path: string, body?: unknown) => ready().then(() => authed.post<T>(path, body)),
    patch: <T>(path: string, body?: unknown) => ready().then(() => authed.patch<T>(path, body)),
    delete: <T = void>(path: string) => ready().then(() => authed.delete<T>(path)),
  };
  const api = createApi(http);
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), Math.max(1_000, ms));
  }

  function accept(t: RefreshResponse) {
    token = t.accessToken;
    tokenExpires = Date.parse(t.expiresAt);
    const sid = sessionIdOf(t.accessToken);
    if (sid) writeStored(DEVICE_KEY, (device = sid));
    const ttl = tokenExpires - Date.now();
    schedule(ttl - Math.min(REFRESH_LEAD_MS, ttl / 2));
  }

  function signedOut() {
    clearTimeout(timer);
    token = null;
    setUser(null);
    setStatus('signed-out');
    writeStored(LAST_USER_KEY, null);
  }

  function remember(me: Me) {
    setUser(me);
    writeStored(LAST_USER_KEY, JSON.stringify(me));
  }

  function refresh(): Promise<boolean> {
    refreshing ??= withLock(async () => {
      try {
        accept(await plain.post<RefreshResponse>('/api/auth/refresh'));
        return true;
      } catch (e) {
        // Only a refused cookie means signed out; a 5xx or no answer is worth a retry.
        if (e instanceof ApiError && e.status === 401) signedOut();
        else if (status() === 'signed-in') schedule(REFRESH_RETRY_MS);
        return false;
      }
    }).finally(() => (refreshing = null));
    return refreshing;
  }

  async function start() {
    const cached = readUser();
    if (cached) return startRemembered(cached);
    if (!(await refresh())) {
      if (status() === 'signed-out' || !cached) return signedOut();
      // No network: the same user as last time, working from the device.
      setUser(cached);
      setStatus('signed-in');
      schedule(REFRESH_RETRY_MS);
      return;
    }
    try {
      remember(await api.me());
      setStatus('signed-in');
    } catch (e) {
      if (e instanceof ApiError || !cached) return signedOut();
      setUser(cached);
      setStatus('signed-in');
    }
  }

  /**
   * The remembered user is signed in at once, so the app starts from the device without
   * waiting for the network (DESIGN §12 B1); the refresh runs behind it, and only a 401
   * signs out. The refresh starts before the status flips: calls the first render makes
   * then wait for its token (see `http` below) instead of going out without one.
   */
  async function startRemembered(cached: Me) {
    const restored = refresh();
    setUser(cached);
    setStatus('signed-in');
    // refresh() schedules its own retry while signed in when the network failed.
    if (!(await restored)) return;
    try {
      remember(await api.me());
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) signedOut();
    }
  }

  async function freshToken(): Promise<string> {
    if (!token || tokenExpires - Date.now() < REFRESH_LEAD_MS / 2) await refresh();
    if (!token) throw new Error('no access token');
    return token;
  }

  async function login(body: LoginBody) {
    const res = await plain.post<LoginResponse>('/api/auth/login', { ...body, deviceName: body.deviceName ?? deviceName() });
    accept(res);
    writeStored(DEVICE_KEY, (device = res.sessionId));
    remember(res.user);
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
    setUser: remember,
    freshToken,
    deviceId: () => device,
    expire: () => {
      signedOut();
      post({ type: 'logged-out' });
    },
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

function readStored(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string | null): void {
  try {
    if (typeof localStorage === 'undefined') return;
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode or a full quota: offline start is then not possible, nothing else breaks.
  }
}

function readUser(): Me | null {
  const raw = readStored(LAST_USER_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Me;
  } catch {
    return null;
  }
}

/** The `sid` claim of an access token (the device id), without verifying it. */
function sessionIdOf(jwt: string): string | null {
  try {
    const part = jwt.split('.')[1];
    if (!part) return null;
    const payload = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { sid?: unknown };
    return typeof payload.sid === 'string' ? payload.sid : null;
  } catch {
    return null;
  }
}
