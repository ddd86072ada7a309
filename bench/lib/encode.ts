/**
 * Hand-encoded Yjs updates for the load generator: one new entry of the `messages` map per
 * update, byte for byte what `sendMessage` on a Y.Doc with the same clientID and clock
 * produces (checked by {@link selfCheck}), at a fraction of the cost. Message ids are ULIDs
 * whose first 16 characters are a per-step prefix and whose last 10 encode the message
 * index, so a receiver finds each message by a marker in the raw bytes.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { sendMessage } from '#shared/room-doc/ops';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < CROCKFORD.length; i++) DECODE[CROCKFORD.charCodeAt(i)] = i;

/** Info byte of an Item with a parentSub, no origins, ContentAny (ref 8). */
const ITEM_INFO = 0x20 | 8;
/** writeAny's tag for a string followed by the varUint length 26 of a ULID. */
const ID_TAG = [0x77, 0x1a];

function base32(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = CROCKFORD[n % 32]! + s;
    n = Math.floor(n / 32);
  }
  return s;
}

/** A 16-character ULID prefix unique to one step of one run (10 time chars + 6 random). */
export function newPrefix(): string {
  let r = '';
  for (let i = 0; i < 6; i++) r += CROCKFORD[Math.floor(Math.random() * 32)];
  return base32(Date.now(), 10) + r;
}

export const markerId = (prefix: string, index: number): string => prefix + base32(index, 10);

/** The bytes a receiver looks for: the entry's `id` value as writeAny encodes it, minus the index. */
export function markerPattern(prefix: string): Buffer {
  return Buffer.from([...ID_TAG, ...Buffer.from(prefix, 'latin1')]);
}

/** Decodes the 10-character index that follows a marker pattern at `at`. */
export function decodeIndex(buf: Uint8Array, at: number): number {
  let n = 0;
  for (let i = 0; i < 10; i++) {
    const v = DECODE[buf[at + i]!]!;
    if (v < 0) return -1;
    n = n * 32 + v;
  }
  return n;
}

export interface EntryInput {
  id: string;
  authorId: string;
  deviceId: string;
  text: string;
  createdAt: number;
}

/** One writer of hand-encoded updates: a Yjs clientID and its next clock. */
export class UpdateWriter {
  clock = 0;
  constructor(readonly clientId: number) {}

  /** The V1 update that inserts `messages[authorId:id] = entry`; advances the clock. */
  message(e: EntryInput): Uint8Array {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 1); // one client
    encoding.writeVarUint(enc, 1); // one struct
    encoding.writeVarUint(enc, this.clientId);
    encoding.writeVarUint(enc, this.clock++);
    encoding.writeUint8(enc, ITEM_INFO);
    encoding.writeVarUint(enc, 1); // parent is a root type, by name
    encoding.writeVarString(enc, 'messages');
    encoding.writeVarString(enc, `${e.authorId}:${e.id}`);
    encoding.writeVarUint(enc, 1); // ContentAny of one value
    encoding.writeAny(enc, { id: e.id, authorId: e.authorId, deviceId: e.deviceId, kind: 'text', text: e.text, createdAt: e.createdAt });
    encoding.writeVarUint(enc, 0); // empty delete set
    return encoding.toUint8Array(enc);
  }
}

/** A random Yjs-style clientID (uint32, never the server's reserved 1). */
export const randomClientId = (): number => 2 + Math.floor(Math.random() * 0xfffffff0);

/** Throws unless the hand encoding equals what Yjs itself writes for two messages in a row. */
export function selfCheck(): void {
  const doc = new Y.Doc();
  doc.clientID = 123456;
  const got: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => got.push(u));
  const w = new UpdateWriter(123456);
  const prefix = newPrefix();
  const author = '01J0000000000000000000000A';
  const mine: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) {
    const e = { id: markerId(prefix, i), authorId: author, deviceId: 'dev', text: 'hello', createdAt: 1_700_000_000_000 + i };
    sendMessage(doc, e);
    mine.push(w.message(e));
  }
  for (let i = 0; i < 2; i++) {
    if (Buffer.compare(Buffer.from(got[i]!), Buffer.from(mine[i]!)) !== 0) throw new Error('hand-encoded update differs from Yjs');
    const at = Buffer.from(mine[i]!).indexOf(markerPattern(prefix));
    if (at < 0 || decodeIndex(mine[i]!, at + 18) !== i) throw new Error('marker not found in update');
  }
}

export const MESSAGE_TEXT = 'A benchmark message of ordinary length, ok?';
