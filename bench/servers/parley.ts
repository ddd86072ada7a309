/**
 * Parley's real server for the bench, in its own process, with a command channel for
 * seeding: `seed` creates users, one session (device) and access token per user and
 * groups straight through the server's own modules (no password hashing per user, no
 * login rate limits); `fill` writes messages through the hub (so they are sequenced,
 * logged and projected as any server write); `loaded` counts loaded documents.
 */
import { loadConfig } from '../../server/src/config.ts';
import { startServer } from '../../server/src/server.ts';
import { hashPassword } from '../../server/src/auth/passwords.ts';
import { signAccessToken } from '../../server/src/auth/tokens.ts';
import { addMemberUnchecked, createGroup } from '../../server/src/rooms/room-actions.ts';
import { newId, type RoomId, type UserId } from '#shared/ids';
import { roomDocName } from '#shared/room-doc/names';
import { sendMessage } from '#shared/room-doc/ops';
import { markerId, MESSAGE_TEXT } from '../lib/encode.ts';
import { serveRpc } from './rpc.ts';
import type { FillArg } from './fill.ts';

const config = loadConfig();
const server = await startServer(config);
const { db, sessions, sync } = server.deps;
const passwordHash = await hashPassword('bench password');

interface SeedArg {
  users: number;
  /** Per room, the indexes of its members (the first one creates it). */
  rooms: number[][];
}

serveRpc({
  async seed(arg: SeedArg) {
    const now = new Date().toISOString();
    const insert = db.prepare('INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    const users: { id: string; sessionId: string; token: string }[] = [];
    const tag = Math.random().toString(36).slice(2, 8);
    db.transaction(() => {
      for (let i = 0; i < arg.users; i++) {
        const id = newId<UserId>();
        insert.run(id, `b${tag}${i}`, `Bench ${i}`, passwordHash, now);
        users.push({ id, sessionId: '', token: '' });
      }
    })();
    for (const u of users) {
      u.sessionId = sessions.create(u.id as UserId, 'bench').session.id;
      u.token = (await signAccessToken(config.jwtSecret, { userId: u.id as UserId, sessionId: u.sessionId as never }, 6 * 3600)).token;
    }
    const rooms = arg.rooms.map((members, i) => {
      const [owner, ...rest] = members.map((m) => users[m]!.id as UserId);
      const room = createGroup(server.deps, owner!, { name: `Bench ${i}`, memberIds: rest, visibility: 'private' });
      return { id: room.id as string, docName: roomDocName(room.id, 0) };
    });
    return { users, rooms };
  },
  async fill(arg: FillArg) {
    const start = arg.start ?? 0;
    for (let b = 0; b < arg.count; b += 1000) {
      const n = Math.min(arg.count - b, 1000);
      const author = arg.authors[(b / 1000) % arg.authors.length]!;
      await sync.hub.serverWrite(arg.docName, author, (doc) => {
        const keys: string[] = [];
        for (let i = b; i < b + n; i++) {
          const id = markerId(arg.prefix, start + i);
          sendMessage(doc, { authorId: author, deviceId: 'seed', id, text: MESSAGE_TEXT, createdAt: Date.now() });
          keys.push(`${author}:${id}`);
        }
        return keys;
      });
    }
    return { loaded: sync.hub.loadedCount };
  },
  /** Adds a user to rooms and opens a new device (session) for them. */
  async joinAll(arg: { userId: string; roomIds: string[] }) {
    for (const r of arg.roomIds) addMemberUnchecked(server.deps, r as RoomId, arg.userId as UserId);
    const sessionId = sessions.create(arg.userId as UserId, 'bench').session.id;
    const { token } = await signAccessToken(config.jwtSecret, { userId: arg.userId as UserId, sessionId }, 6 * 3600);
    return { token, sessionId };
  },
  loaded: () => sync.hub.loadedCount,
  unloadIdle: () => {
    sync.hub.unloadIdle();
    return sync.hub.loadedCount;
  },
  exit: () => server.close().then(() => setTimeout(() => process.exit(0), 10)),
});
console.log(`listening ${server.url}`);
