/**
 * A small HTTP client for tests: JSON in and out, bearer token, cookie jar for the
 * refresh cookie. Returns status, headers and parsed body; never throws on 4xx.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class TestClient {
  token: string | undefined;
  cookies = new Map<string, string>();

  constructor(public baseUrl: string) {}

  async req<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token && !('Authorization' in h)) h.Authorization = `Bearer ${this.token}`;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) h['Content-Type'] = 'application/json';
    if (this.cookies.size) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      body: (body === undefined ? undefined : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body)) as BodyInit | undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed };
  }
  get<T = any>(path: string) { return this.req<T>('GET', path); }
  post<T = any>(path: string, body?: unknown) { return this.req<T>('POST', path, body ?? {}); }
  patch<T = any>(path: string, body?: unknown) { return this.req<T>('PATCH', path, body ?? {}); }
  delete<T = any>(path: string) { return this.req<T>('DELETE', path); }

  /** Registers and logs in; the client then carries the token. */
  async signUp(username: string, displayName = username, password = 'correct horse battery') {
    const r = await this.post('/api/auth/register', { username, password, displayName });
    if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return this.logIn(username, password);
  }

  async logIn(username: string, password = 'correct horse battery', deviceName = 'test') {
    const r = await this.post('/api/auth/login', { username, password, deviceName });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.accessToken;
    return r.body as { accessToken: string; user: { id: string; username: string; displayName: string }; sessionId: string };
  }
}
