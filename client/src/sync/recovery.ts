/**
 * The device-side recovery paths of DESIGN §3 and §5, run by the sync manager:
 *
 * - an epoch that was sealed: the device's own pending entries move, same keys, into the
 *   live epoch's document once the sealed one is merged with the server's copy (so an
 *   entry the server took before sealing is never sent twice), then the old copy goes;
 * - an update the server refused (`rejected`, `undeliverable`, `forbidden`): the local
 *   copy of the document is dropped and synced again from the server under a fresh
 *   clientID (a refused item would block every later update of its clientID). Refused
 *   pending messages are written again after `rejected`; after `undeliverable` (a DM
 *   whose other member blocked the writer) or `forbidden` (an admins-only group) they stay
 *   on the device only, shown as sent and never delivered.
 */
import type * as Y from 'yjs';
import { Dexie } from 'dexie';
import type { SyncClient } from '#shared/sync/client';
import { SyncErrorCode } from '#shared/protocol/control';
import type { ParleyDb, MessageRow } from '../storage/db.ts';
import { rowFromDoc, rowsFromDoc } from '../storage/rows.ts';
import { sortKeyAfterSeq } from '../storage/sort-key.ts';
import { wipeDoc } from './docs.ts';
import { copyEntries, maxSeq, ownPendingEntries, refusedEntries } from './pending.ts';
import { replayOps } from './pending-ops.ts';
import type { Http } from '../api/http.ts';

/** What the recovery paths need from the manager. */
export interface RecoveryHost {
  db: ParleyDb;
  client: SyncClient;
  userId: string;
  /** For edits and deletes of a sealed epoch, replayed over REST. */
  http?: Http;
  /** False once the manager is disposed: waiting loops stop. */
  alive(): boolean;
}

/** One epoch's copy of a room document, as the manager keeps it. */
export interface RoomCopy {
  epoch: number;
  name: string;
  /** The document, loaded for the caller (a dormant one stays loaded only a while). */
  readonly doc: Promise<Y.Doc>;
}

/** What the manager does to start and stop following one copy of a room document. */
export interface CopyHooks {
  /** Stops projecting and tracking the copy (not the sync subscription). */
  detach(): void;
  /** Subscribes the copy again once `wiped` settles (`doc` waits for that meanwhile). */
  resubscribe(wiped: Promise<void>): void;
  /** False once the room follows another copy (a new epoch, the room dropped). */
  current(): boolean;
}

interface RecoveryState {
  /** A drop–resync is under way: later refusals name the copy being dropped. */
  running: boolean;
  /** Keys written again once after `rejected`; a second refusal gives up on them. */
  rewritten: Set<string>;
}
const states = new WeakMap<RoomCopy, RecoveryState>();

function stateOf(room: RoomCopy): RecoveryState {
  let s = states.get(room);
  if (!s) states.set(room, (s = { running: false, rewritten: new Set() }));
  return s;
}

/** Refusals after which the local copy must go (the refused items poison its clientID). */
export const RESYNC_CODES: ReadonlySet<string> = new Set([SyncErrorCode.rejected, SyncErrorCode.undeliverable, SyncErrorCode.forbidden]);

/**
 * Resolves true once the server's state of `name` is merged into the local copy (its
 * step 2 arrived since the last connect); waits through offline periods. False when the
 * manager went away or `wanted()` turned false meanwhile.
 */
export async function untilSynced(host: RecoveryHost, name: string, wanted: () => boolean = () => true): Promise<boolean> {
  const done = () => !host.alive() || !wanted() || host.client.isSynced(name);
  while (!done()) {
    await host.client.until(done, 60_000).catch(() => {});
  }
  return host.alive() && wanted();
}

/**
 * Moves the user's pending entries of a sealed epoch's document into the live one, sends
 * its unconfirmed edits and deletes over REST, then forgets the sealed copy (its messages
 * stay in the `messages` table; later changes to them arrive as `changed`). The caller has
 * detached the old copy's projection.
 */
export async function retireEpoch(host: RecoveryHost, roomId: string, old: RoomCopy, live: () => RoomCopy | undefined): Promise<void> {
  const doc = await old.doc;
  if (!host.alive()) return;
  // A dormant copy stays loaded for the move.
  const unhold = host.client.hold(old.name);
  try {
    // The server's copy first: what others wrote into it while this device was away belongs
    // in the messages table, and only it tells which pending entries it took before sealing.
    host.client.addDoc(old.name, doc);
    if (!(await untilSynced(host, old.name))) return;
    // Those it took now have their seq: the rows say so before the copy goes.
    await host.db.messages.bulkPut(rowsFromDoc(doc, roomId, old.epoch));
    const pending = ownPendingEntries(doc, host.userId);
    const target = live();
    if (pending.length && target) {
      // After its own catch-up, so the moved entries depend on nothing the server lacks.
      if (!(await untilSynced(host, target.name, () => live() === target))) return;
      copyEntries(await target.doc, pending);
    }
  } finally {
    unhold();
  }
  if (host.http) await replayOps(host.db, host.http, roomId, old.name).catch((e) => console.warn('replaying edits of a sealed epoch failed', e));
  host.client.removeDoc(old.name);
  await wipeDoc(host.db, old.name, doc);
}

/**
 * Whether a refusal of `name` calls for {@link resyncRoom}: the refused update carried
 * messages of this user that the server does not hold. A refused update with no message
 * in it (an empty step 2, a receipt) changes nothing worth a resync; should it have left
 * a gap in the clientID's clock, the next message is `rejected` and resynced then.
 */
export async function needsResync(host: RecoveryHost, room: RoomCopy, code: string): Promise<boolean> {
  if (!RESYNC_CODES.has(code) || stateOf(room).running) return false;
  if (code === SyncErrorCode.rejected) return true;
  return ownPendingEntries(await room.doc, host.userId).length > 0;
}

/**
 * Drops the local copy of a room's live document and syncs it again under a fresh
 * clientID. `room.doc` waits for the new copy at once (writes made meanwhile go there);
 * the returned promise settles when the refused entries are dealt with.
 */
export async function resyncRoom(host: RecoveryHost, roomId: string, room: RoomCopy, code: string, hooks: CopyHooks): Promise<void> {
  const state = stateOf(room);
  if (state.running) return;
  state.running = true;
  const old = await room.doc;
  const pending = ownPendingEntries(old, host.userId);
  // The rows as they are now: refused ones stay on the device, so they must outlive the doc.
  const oldRows = new Map(pending.map((p) => [p.key, rowFromDoc(old, roomId, room.epoch, p.key)]));
  host.client.removeDoc(room.name);
  hooks.detach();
  const wiped = wipeDoc(host.db, room.name, old);
  hooks.resubscribe(wiped);
  try {
    await wiped;
    if (!(await untilSynced(host, room.name, hooks.current))) return;
    const doc = await room.doc;
    const refused = refusedEntries(pending, doc);
    const again = code === SyncErrorCode.rejected ? refused.filter((p) => !state.rewritten.has(p.key)) : [];
    for (const k of copyEntries(doc, again)) state.rewritten.add(k);
    const kept = refused.filter((p) => !again.includes(p)).map((p) => oldRows.get(p.key)).filter((r) => !!r);
    await keepUndelivered(host.db, roomId, kept, maxSeq(doc));
  } finally {
    state.running = false;
  }
}

/**
 * Keeps refused messages in the `messages` table only, as sent and never delivered: no
 * `seq`, so no receipt can ever reach them, and sorted just after the last message the
 * room had when they were refused (not for ever at the bottom with the pending ones).
 */
export async function keepUndelivered(db: ParleyDb, roomId: string, rows: MessageRow[], docMaxSeq: number): Promise<void> {
  if (!rows.length) return;
  // The live document may be a new epoch's: older seqs are only in the table.
  const last = await db.messages.where('[roomId+seq]').between([roomId, Dexie.minKey], [roomId, Dexie.maxKey]).last();
  const afterSeq = Math.max(docMaxSeq, last?.seq ?? 0);
  await db.messages.bulkPut(rows.map((r) => ({ ...r, seq: null, undeliverable: true, sortKey: sortKeyAfterSeq(afterSeq, r.createdAt, r.id) })));
}

/**
 * Sealed epochs in which this device still has pending messages of its own, from the
 * `messages` table (so an app closed before a move finishes resumes it on the next start).
 */
export async function staleEpochs(db: ParleyDb, roomId: string, userId: string, live: number): Promise<number[]> {
  // Pending rows sort after every sequenced one ('~', see sort-key.ts).
  const rows = await db.messages.where('[roomId+sortKey]').between([roomId, '~'], [roomId, Dexie.maxKey]).toArray();
  const epochs = rows.filter((r) => r.authorId === userId && r.seq === null && !r.undeliverable && r.epoch < live).map((r) => r.epoch);
  return [...new Set(epochs)];
}
