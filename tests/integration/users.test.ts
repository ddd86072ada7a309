/** GET /api/users?q= (people search) and GET /api/users/:id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';
import { expectProblem } from './helpers/expect-problem.ts';

let server: TestServer;
let me: TestClient;
let myId: string;
const ids = new Map<string, string>();

async function register(username: string, displayName: string) {
  const r = await new TestClient(server.url).post('/api/auth/register', { username, password: 'correct horse battery', displayName });
  expect(r.status).toBe(201);
  ids.set(username, r.body.user.id);
}

beforeAll(async () => {
  server = await startTestServer({ REGISTER_RATE_PER_IP: '1000' });
  me = new TestClient(server.url);
  myId = (await me.signUp('zed_me', 'Zed Myself')).user.id;
  for (let i = 0; i < 24; i++) await register(`zed${String(i).padStart(2, '0')}`, `Person ${i}`);
  await register('maria', 'Maria Lopez');
  await register('lopez_fan', 'Fan');
  await register('a_b', 'Under Score');
  await register('axb', 'Ex');
  await register('percent', '100% Real');
});
afterAll(() => server.stop());

const usernames = (r: { body: { users: { username: string }[] } }) => r.body.users.map((u) => u.username);

describe('GET /api/users?q=', () => {
  it('answers at most 20 users, public fields only, never the caller', async () => {
    const r = await me.get('/api/users?q=zed');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['users']);
    expect(r.body.users).toHaveLength(20);
    for (const u of r.body.users) expect(Object.keys(u).sort()).toEqual(['displayName', 'id', 'username']);
    expect(r.body.users.map((u: { id: string }) => u.id)).not.toContain(myId);
    expect(usernames(r)).toEqual([...usernames(r)].sort());
  });

  it('matches username prefixes regardless of case', async () => {
    expect(usernames(await me.get('/api/users?q=ZED0'))).toEqual(['zed00', 'zed01', 'zed02', 'zed03', 'zed04', 'zed05', 'zed06', 'zed07', 'zed08', 'zed09']);
    expect(usernames(await me.get('/api/users?q=MARI'))).toEqual(['maria']);
  });

  it('matches the display name and the start of any of its words, exact and username matches first', async () => {
    expect(usernames(await me.get('/api/users?q=lop'))).toEqual(['lopez_fan', 'maria']);
    expect(usernames(await me.get('/api/users?q=person%201'))).toEqual(['zed01', 'zed10', 'zed11', 'zed12', 'zed13', 'zed14', 'zed15', 'zed16', 'zed17', 'zed18', 'zed19']);
    expect(usernames(await me.get('/api/users?q=real'))).toEqual(['percent']);
  });

  it('does not match in the middle of a word', async () => {
    expect(usernames(await me.get('/api/users?q=aria'))).toEqual([]);
    expect(usernames(await me.get('/api/users?q=ed0'))).toEqual([]);
  });

  it('treats % and _ literally', async () => {
    expect(usernames(await me.get('/api/users?q=a_'))).toEqual(['a_b']);
    expect(usernames(await me.get('/api/users?q=100%25'))).toEqual(['percent']);
    expect(usernames(await me.get('/api/users?q=%25'))).toEqual([]);
  });

  it('answers an empty list for an empty or missing q', async () => {
    for (const path of ['/api/users', '/api/users?q=', '/api/users?q=%20%20']) {
      const r = await me.get(path);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ users: [] });
    }
  });

  it('answers 400 for a q over 64 characters', async () => {
    expectProblem(await me.get(`/api/users?q=${'a'.repeat(65)}`), 400, 'bad_request');
  });

  it('answers 401 without a token', async () => {
    expectProblem(await new TestClient(server.url).get('/api/users?q=zed'), 401, 'unauthorized');
  });
});

describe('GET /api/users/:id', () => {
  it('answers {user} with public fields only', async () => {
    const r = await me.get(`/api/users/${ids.get('maria')}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: { id: ids.get('maria'), username: 'maria', displayName: 'Maria Lopez' } });
  });

  it('answers 404 for an unknown id', async () => {
    expectProblem(await me.get('/api/users/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
  });

  it('answers 401 without a token', async () => {
    expectProblem(await new TestClient(server.url).get(`/api/users/${ids.get('maria')}`), 401, 'unauthorized');
  });
});
