/**
 * The fetch wrapper every API call goes through: JSON in and out, the bearer token from
 * memory, same-origin cookies (the refresh cookie lives on `/api/auth`). Failures throw:
 * `ApiError` for an answer that carries a problem, `NetworkError` when there was no answer.
 */
import { ErrorCode, PROBLEM_CONTENT_TYPE, type Problem } from '#shared/errors';

/** An error answer of the API, with its problem details. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): ErrorCode {
    return this.problem.code;
  }
}

/** The server could not be reached (offline, DNS, connection refused, aborted). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("Can't reach the server. Check your connection and try again.", { cause });
    this.name = 'NetworkError';
  }
}

/** What the wrapper needs from whoever holds the login (the session store). */
export interface AuthHooks {
  /** The current access token, or null when signed out. */
  accessToken(): string | null;
  /** Gets a new access token with the refresh cookie; false when that is impossible. */
  refresh(): Promise<boolean>;
}

export type Query = Record<string, string | number | undefined>;

export interface Http {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T = void>(path: string): Promise<T>;
}

export interface HttpOptions {
  auth?: AuthHooks;
  /** Prefix of every path; '' (same origin) in the app. */
  base?: string;
  fetch?: typeof fetch;
}

export function createHttp(opts: HttpOptions = {}): Http {
  const base = opts.base ?? '';
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(method: string, path: string, body: unknown, canRetry: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.auth?.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new NetworkError(e);
    }
    if (res.status === 401 && canRetry && opts.auth) {
      const problem = await readProblem(res);
      // Only an expired token is worth one refresh; a revoked session stays revoked.
      if (problem.code === ErrorCode.tokenExpired && (await opts.auth.refresh())) {
        return send(method, path, body, false);
      }
      throw new ApiError(problem);
    }
    if (!res.ok) throw new ApiError(await readProblem(res));
    return res;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, body, true);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    get: (path, query) => request('GET', path + toSearch(query)),
    post: (path, body) => request('POST', path, body),
    patch: (path, body) => request('PATCH', path, body),
    delete: (path) => request('DELETE', path),
  };
}

function toSearch(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The problem details of an error answer; a stand-in when a proxy answered with HTML. */
async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes(PROBLEM_CONTENT_TYPE) || type.includes('application/json')) {
    try {
      const body = (await res.json()) as Partial<Problem>;
      if (body && typeof body.code === 'string') {
        return { type: 'about:blank', title: res.statusText, detail: '', ...body, status: res.status } as Problem;
      }
    } catch {
      // Fall through to the stand-in below.
    }
  }
  return {
    type: 'about:blank',
    title: res.statusText || 'Error',
    status: res.status,
    detail: `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
    code: res.status >= 500 ? ErrorCode.internal : ErrorCode.badRequest,
  };
}

/** A sentence for the user about any error an API call threw. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message;
  return 'Something went wrong. Please try again.';
}
