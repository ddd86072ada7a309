/**
 * createBlocksStore: the people the signed-in user blocked (`GET /api/blocks`), cached in
 * the device database so that group messages of blocked people stay hidden offline too
 * (DESIGN §8). Block and unblock go through here, so every screen sees the change at once;
 * the list is fetched again after each, and whenever the device database opens.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { BlockInfo } from '#shared/api/users';
import type { UserId } from '#shared/ids';
import { getMeta, setMeta, type ParleyDb } from '../storage/db.ts';
import type { SessionStore } from './session.ts';
import type { LocalStore } from './local.ts';

export interface BlocksStore {
  /** The blocked people, newest first as the server lists them; null until known. */
  list: Accessor<BlockInfo[] | null>;
  isBlocked(userId: string): boolean;
  /** Whether a message by `authorId` in `room` waits behind a placeholder: a blocked person's, in a group. */
  hides(room: { kind: string } | undefined, authorId: string): boolean;
  /** Throws `ApiError`. */
  block(userId: UserId): Promise<void>;
  /** Throws `ApiError`. */
  unblock(userId: UserId): Promise<void>;
  refresh(): Promise<void>;
}

const CACHE_KEY = 'blocks';

export function createBlocksStore(session: SessionStore, local: LocalStore): BlocksStore {
  const [list, setList] = createSignal<BlockInfo[] | null>(null);
  const ids = () => new Set((list() ?? []).map((b) => b.user.id as string));
  // Answers for a database that was closed meanwhile (sign-out) are dropped.
  let generation = 0;

  async function store(db: ParleyDb | null, gen: number, blocks: BlockInfo[]) {
    if (gen !== generation) return;
    setList(blocks);
    if (db) await setMeta(db, CACHE_KEY, blocks).catch(() => {});
  }

  async function refresh() {
    const gen = generation;
    const db = local.db();
    await store(db, gen, await session.api.blocks());
  }

  createEffect(
    on(local.db, (db) => {
      const gen = ++generation;
      setList(null);
      if (!db) return;
      // The cache and the server at once; whichever answers last, the server's list wins.
      void getMeta<BlockInfo[]>(db, CACHE_KEY)
        .then((cached) => {
          if (cached && gen === generation && list() === null) setList(cached);
        })
        .catch(() => {});
      void refresh().catch(() => {});
    }),
  );

  return {
    list,
    isBlocked: (userId) => ids().has(userId),
    hides: (room, authorId) => room?.kind === 'group' && authorId !== session.user()?.id && ids().has(authorId),
    async block(userId) {
      const gen = generation;
      const info = await session.api.block(userId);
      await store(local.db(), gen, [info, ...(list() ?? []).filter((b) => b.user.id !== userId)]);
      void refresh().catch(() => {});
    },
    async unblock(userId) {
      const gen = generation;
      await session.api.unblock(userId);
      await store(local.db(), gen, (list() ?? []).filter((b) => b.user.id !== userId));
      void refresh().catch(() => {});
    },
    refresh,
  };
}
