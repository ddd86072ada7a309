/**
 * The README's curl walk-through, run as written: its ```sh blocks go to bash against the
 * real server, the outputs it documents (`# …` lines) must appear, and what it created is
 * then read back over the API.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/start-server.ts';
import { TestClient } from './helpers/api.ts';

// Async on purpose: the server runs in this process, so a synchronous exec would block
// the event loop that has to answer curl.
const run = promisify(execFile);

const README = join(import.meta.dirname, '../../README.md');
const SECTION = '## Try the API with curl';

/** The ```sh blocks of one `## ` section of a Markdown text, in order. */
function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** `# text` lines of the blocks: what the README says the commands print. */
const documentedOutputs = (blocks: string[]) =>
  blocks.flatMap((b) => b.split('\n')).flatMap((l) => (l.startsWith('# ') ? [l.slice(2)] : []));

async function bash(script: string, env: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      env: { ...process.env, ...env },
      maxBuffer: 10 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string; code?: number };
    throw new Error(`bash exited ${err.code}\n--- stdout\n${err.stdout}\n--- stderr\n${err.stderr}`);
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('README curl walk-through', () => {
  it('has the steps in ```sh blocks', () => {
    const blocks = shellBlocks(readFileSync(README, 'utf8'), SECTION);
    const all = blocks.join('\n');
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/rooms', '/messages']) expect(all).toContain(path);
    expect(all).not.toMatch(/\bjq\b/);
  });

  it('works as written against a fresh server', async () => {
    try {
      await run('bash', ['-c', 'command -v curl']);
    } catch {
      throw new Error('curl is missing: the README walk-through needs it (apt-get install -y curl)');
    }
    const blocks = shellBlocks(readFileSync(README, 'utf8'), SECTION);
    // Appended so the test can check what the walk-through created, not only what it printed.
    const script = `${blocks.join('\n')}\necho "::token=$TOKEN"\necho "::room=$ROOM_ID"\n`;
    const out = await bash(script, { BASE: server.url });
    const lines = out.split('\n');

    for (const expected of documentedOutputs(blocks)) expect(lines).toContain(expected);
    expect(documentedOutputs(blocks).length).toBeGreaterThanOrEqual(2);

    const token = out.match(/^::token=(\S+)$/m)?.[1];
    const roomId = out.match(/^::room=(\S+)$/m)?.[1];
    expect(token, 'the walk-through keeps the access token in $TOKEN').toBeTruthy();
    expect(roomId, 'the walk-through keeps the group id in $ROOM_ID').toBeTruthy();

    const api = new TestClient(server.url);
    api.token = token;
    const rooms = await api.get('/api/rooms');
    expect(rooms.status).toBe(200);
    expect(rooms.body.rooms).toHaveLength(1);
    expect(rooms.body.rooms[0]).toMatchObject({ id: roomId, kind: 'group' });
    expect(rooms.body.rooms[0].members).toHaveLength(2);

    const history = await api.get(`/api/rooms/${roomId}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.messages).toHaveLength(1);
    expect(history.body.nextBefore).toBeNull();
    const [message] = history.body.messages;
    // The text the README posted is the one it printed from Bob's history.
    expect(lines).toContain(`#${message.seq} ${message.text}`);
  });
});
