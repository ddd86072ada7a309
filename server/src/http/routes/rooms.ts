/**
 * Rooms, members, DMs and invites (DESIGN §7). Routes parse and answer; the rules live in
 * `server/src/rooms/` (room-actions, invites, permissions).
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../../app.ts';
import type { AppEnv } from '../env.ts';
import { parseJson, parseQuery } from '../validate.ts';
import {
  AddMemberBody,
  ChangeRoleBody,
  CreateDmBody,
  CreateRoomBody,
  PatchRoomBody,
  PublicRoomsQuery,
  type InviteListResponse,
  type InvitePreviewResponse,
  type InviteResponse,
} from '#shared/api/rooms';
import type { PublicRoomsResponse, RoomResponse, RoomsResponse } from '#shared/api/responses';
import { requireMember } from '../../rooms/permissions.ts';
import { roomSummaries, roomView, searchPublicRooms } from '../../rooms/room-store.ts';
import { addMember, changeRole, createGroup, joinPublic, openDm, patchRoom, removeMember } from '../../rooms/room-actions.ts';
import { createInvite, listInvites, previewInvite, redeemInvite, revokeInvite } from '../../rooms/invites.ts';

export function roomRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db, config } = deps;
  const me = (c: Context<AppEnv>) => c.get('auth').userId;
  // Invite links point at the public origin when configured (behind a proxy), else at
  // the origin this request reached.
  const origin = (c: Context<AppEnv>) => config.publicUrl ?? new URL(c.req.url).origin;

  app.get('/rooms', (c) => c.json<RoomsResponse>({ rooms: roomSummaries(db, me(c)) }));

  app.post('/rooms', async (c) => {
    const body = await parseJson(c, CreateRoomBody);
    return c.json<RoomResponse>({ room: createGroup(deps, me(c), body) }, 201);
  });

  app.post('/rooms/dm', async (c) => {
    const { userId } = await parseJson(c, CreateDmBody);
    const { room, created } = openDm(deps, me(c), userId);
    return c.json<RoomResponse>({ room }, created ? 201 : 200);
  });

  // Registered before `/rooms/:id` so "public" is never read as a room id.
  app.get('/rooms/public', (c) => {
    const { q } = parseQuery(c, PublicRoomsQuery);
    return c.json<PublicRoomsResponse>({ rooms: searchPublicRooms(db, me(c), q) });
  });

  app.get('/rooms/:id', (c) => {
    const { room } = requireMember(db, c.req.param('id'), me(c));
    return c.json<RoomResponse>({ room: roomView(db, room.id, me(c)) });
  });

  app.patch('/rooms/:id', async (c) => {
    const body = await parseJson(c, PatchRoomBody);
    return c.json<RoomResponse>({ room: patchRoom(deps, me(c), c.req.param('id'), body) });
  });

  app.post('/rooms/:id/join', (c) => c.json<RoomResponse>({ room: joinPublic(deps, me(c), c.req.param('id')) }));

  app.post('/rooms/:id/invites', (c) => {
    const { token, url } = createInvite(deps, me(c), c.req.param('id'), origin(c));
    return c.json<InviteResponse>({ token, url }, 201);
  });

  app.get('/rooms/:id/invites', (c) =>
    c.json<InviteListResponse>({ invites: listInvites(deps, me(c), c.req.param('id'), origin(c)) }),
  );

  app.delete('/rooms/:id/invites/:token', (c) => {
    revokeInvite(deps, me(c), c.req.param('id'), c.req.param('token'));
    return c.body(null, 204);
  });

  app.post('/rooms/:id/members', async (c) => {
    const { userId } = await parseJson(c, AddMemberBody);
    const { room, created } = addMember(deps, me(c), c.req.param('id'), userId);
    return c.json<RoomResponse>({ room }, created ? 201 : 200);
  });

  app.patch('/rooms/:id/members/:userId', async (c) => {
    const { role } = await parseJson(c, ChangeRoleBody);
    return c.json<RoomResponse>({ room: changeRole(deps, me(c), c.req.param('id'), c.req.param('userId'), role) });
  });

  app.delete('/rooms/:id/members/:userId', (c) => {
    removeMember(deps, me(c), c.req.param('id'), c.req.param('userId'));
    return c.body(null, 204);
  });

  app.get('/invites/:token', (c) =>
    c.json<InvitePreviewResponse>({ room: previewInvite(deps, me(c), c.req.param('token')) }),
  );

  app.post('/invites/:token', (c) => c.json<RoomResponse>({ room: redeemInvite(deps, me(c), c.req.param('token')) }));

  return app;
}
