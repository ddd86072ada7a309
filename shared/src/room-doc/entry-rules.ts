/**
 * What the validator (validate.ts) asks of entry values: plain JSON, the schemas of
 * schema.ts (rule 2), and the life of a message key (rule 8: an overwrite is an edit
 * within the window or the author's own tombstone; a tombstone is final; a message never
 * just disappears).
 */
import * as Y from 'yjs';
import { isUlid } from '#shared/ids';
import {
  CLIENT_MESSAGE_KINDS,
  ReadEntrySchema,
  ReceiptEntrySchema,
  RoomPrefsSchema,
  createEntrySchemas,
  parseMessageKey,
  parseReadKey,
  parseReceiptKey,
  type AttachmentRef,
  type LiveMessageEntry,
  type MessageEntry,
} from './schema.ts';
import type { RawId } from './update-reader.ts';

/** A refusal of the whole update: the DESIGN §5 rule it breaks and why. */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly rule: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Limits and identity the entry rules need (a subset of the validation context). */
export interface EntryRuleContext {
  userId: string;
  now: number;
  editWindowMs: number;
  maxTextChars: number;
  maxClockSkewMs: number;
}

type Schemas = ReturnType<typeof createEntrySchemas>;
const schemaCache = new Map<number, Schemas>();
function schemasFor(maxTextChars: number): Schemas {
  let s = schemaCache.get(maxTextChars);
  if (!s) schemaCache.set(maxTextChars, (s = createEntrySchemas({ maxTextChars })));
  return s;
}

const MAX_JSON_DEPTH = 8;

/** True for JSON a `JSON.stringify` round trip keeps as is: no undefined, NaN, bytes or prototypes. */
export function isPlainJson(v: unknown, depth = 0): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!isPlainJson(x, depth + 1)) return false;
    return true;
  }
  // lib0's readAny honours a `__proto__` key, which would hide fields from a schema check.
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k of Object.keys(v)) if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/** Rule 1 for keys: who may write under `key` of `root` (the connection's user only). */
export function checkKey(root: string, key: string, userId: string): void {
  switch (root) {
    case 'messages': {
      const k = parseMessageKey(key);
      if (!k) throw new Refusal(1, `malformed message key ${key}`);
      if (k.authorId !== userId) throw new Refusal(1, `message key ${key} belongs to another user`);
      return;
    }
    case 'receipts': {
      const k = parseReceiptKey(key);
      if (!k) throw new Refusal(1, `malformed receipt key ${key}`);
      if (k.userId !== userId) throw new Refusal(1, `receipt key ${key} belongs to another user`);
      return;
    }
    case 'reads':
      if (!parseReadKey(key)) throw new Refusal(1, `malformed read key ${key}`);
      return;
    case 'prefs':
      if (!isUlid(key)) throw new Refusal(1, `malformed prefs key ${key}`);
      return;
    default:
      throw new Refusal(1, `root ${root} is not writable`);
  }
}

/** Rules 1 and 2 for a value of `receipts`, `reads` or `prefs`. */
export function checkPlainValue(root: string, key: string, value: unknown): void {
  if (!isPlainJson(value)) throw new Refusal(1, `value of ${key} is not plain JSON`);
  const schema = root === 'receipts' ? ReceiptEntrySchema : root === 'reads' ? ReadEntrySchema : RoomPrefsSchema;
  const r = schema.safeParse(value);
  if (!r.success) throw new Refusal(2, `bad ${root} value for ${key}: ${r.error.issues[0]?.message ?? 'invalid'}`);
}

/**
 * The server's current value of a message key: `absent` (never written), `final` (a
 * tombstone, a removed or malformed entry: nothing may be written), or the live entry.
 */
export type ServerMessage = { state: 'absent' } | { state: 'final'; why: string } | { state: 'live'; entry: LiveMessageEntry; item: Y.Item };

/** Reads the server's value of a message key from its map item (`_map.get(key)`). */
export function serverMessage(item: Y.Item | undefined): ServerMessage {
  if (item === undefined) return { state: 'absent' };
  if (item.deleted) return { state: 'final', why: 'the entry was removed' };
  const content = item.content.getContent();
  const value = content[content.length - 1] as unknown;
  const entry = parseStored(value);
  if (!entry) return { state: 'final', why: 'the stored entry is malformed' };
  if (entry.deleted === true) return { state: 'final', why: 'the message is deleted (a tombstone is final)' };
  return { state: 'live', entry, item };
}

// The server reads its own entries without a text limit: the limit may have changed since.
const storedSchemas = createEntrySchemas({ maxTextChars: Number.MAX_SAFE_INTEGER });
function parseStored(value: unknown): MessageEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = ((value as { deleted?: unknown }).deleted === true ? storedSchemas.tombstone : storedSchemas.liveMessage).safeParse(value);
  return r.success ? r.data : null;
}

/** Rules 1, 2 and 8 for one value written under a message key. */
export function checkMessageValue(key: string, value: unknown, server: ServerMessage, ctx: EntryRuleContext): void {
  if (!isPlainJson(value)) throw new Refusal(1, `value of ${key} is not plain JSON`);
  const schemas = schemasFor(ctx.maxTextChars);
  const isTomb = typeof value === 'object' && value !== null && (value as { deleted?: unknown }).deleted === true;
  const r = (isTomb ? schemas.tombstone : schemas.liveMessage).safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Refusal(2, `bad message ${key}: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`);
  }
  const entry = r.data as MessageEntry;
  if (entry.authorId !== ctx.userId) throw new Refusal(2, `authorId of ${key} is not the connection's user`);
  if (key !== `${entry.authorId}:${entry.id}`) throw new Refusal(2, `key ${key} is not authorId:id of its entry`);
  if (entry.deleted === true && entry.deletedBy !== ctx.userId) throw new Refusal(2, `a device deletes only as its own user`);
  if (server.state === 'final') throw new Refusal(8, `write to ${key}: ${server.why}`);
  if (server.state === 'absent') {
    if (entry.deleted !== true && !CLIENT_MESSAGE_KINDS.has(entry.kind)) throw new Refusal(2, `kind ${entry.kind} is written by the server only`);
    checkClock(key, entry.createdAt, ctx);
    if (entry.deleted !== true && entry.editedAt !== undefined) checkClock(key, entry.editedAt, ctx);
    return;
  }
  const original = server.entry;
  if (entry.kind !== original.kind || entry.createdAt !== original.createdAt) {
    throw new Refusal(8, `an overwrite of ${key} changes kind or createdAt`);
  }
  if (entry.deleted === true) return; // the author's own tombstone: always allowed
  if (entry.editedAt === undefined) throw new Refusal(8, `an overwrite of ${key} that is not an edit (no editedAt)`);
  checkClock(key, entry.editedAt, ctx);
  // The window runs from the createdAt the server holds, not from anything claimed now.
  if (ctx.now - original.createdAt > ctx.editWindowMs) throw new Refusal(8, `edit of ${key} after the edit window`);
  if (entry.replyTo !== original.replyTo || !sameAttachment(entry.attachment, original.attachment)) {
    throw new Refusal(8, `an edit of ${key} changes more than its text`);
  }
}

function checkClock(key: string, t: number, ctx: EntryRuleContext): void {
  // A time far in the future would stretch the edit window (it runs from createdAt).
  if (t > ctx.now + ctx.maxClockSkewMs) throw new Refusal(2, `time of ${key} is in the future`);
}

function sameAttachment(a: AttachmentRef | undefined, b: AttachmentRef | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.id === b.id && a.name === b.name && a.mime === b.mime && a.size === b.size && a.width === b.width && a.height === b.height;
}

/** A new struct written under one message key, as rule 8 sees it. */
export interface KeyWrite {
  client: number;
  /** First clock this update adds (after what the server already has). */
  clock: number;
  length: number;
  /** The origin Yjs integrates with: the claimed one, or the server's last clock for a partly known struct. */
  origin: RawId | null;
  /** Deleted content, or its last clock in the update's delete set: it leaves no value. */
  gone: boolean;
}

/**
 * Rule 8's "a message never just disappears": after the update, the key's winning item
 * (the rightmost of its list) must be a live value. The winner is never an item that some
 * new write overwrites (names as origin), so every `gone` write must be overwritten within
 * the update — or be the only write and provably land left of the server's value (the
 * concurrent edit of two devices, which one of them lost). `dsHitsServerValue`: the delete
 * set deletes the server's current value, which only a write landing after it may do (Yjs
 * deletes the value a new rightmost item replaces; the device that made the update did too).
 */
export function checkKeyOutcome(doc: Y.Doc, key: string, writes: readonly KeyWrite[], server: ServerMessage, dsHitsServerValue: boolean): void {
  const overwritten = new Set<string>();
  for (const w of writes) if (w.origin) overwritten.add(idKey(w.origin.client, w.origin.clock));
  if (dsHitsServerValue) {
    // Once a write sits after the server's value, later items never move it back.
    const replaced = server.state === 'live' && writes.some((w) => landsLast(doc, w, server.item) === true);
    if (!replaced) throw new Refusal(8, `${key} deleted without a replacement`);
  }
  for (const w of writes) {
    if (!w.gone || overwritten.has(idKey(w.client, w.clock + w.length - 1))) continue;
    const lonelyLoser = writes.length === 1 && server.state === 'live' && landsLast(doc, w, server.item) === false;
    if (!lonelyLoser) throw new Refusal(8, `${key} would be left without a value`);
  }
}

function idKey(client: number, clock: number): string {
  return `${client}:${clock}`;
}

/**
 * Where Yjs would put `w` in the key's list, considering the server's items only: the
 * conflict scan of `Item.integrate` (yjs 13.6.33), run read-only over the items right of
 * the origin. True when it would become the rightmost item (the key's value), false when
 * not, null when unknown (origin not on the server, or inside a struct: simulating that
 * would need a split).
 */
function landsLast(doc: Y.Doc, w: KeyWrite, current: Y.Item): boolean | null {
  const store = doc.store;
  const origin = w.origin;
  if (origin === null || origin.clock >= Y.getState(store, origin.client)) return null;
  const start = Y.getItem(store, Y.createID(origin.client, origin.clock));
  if (!(start instanceof Y.Item) || start.id.clock + start.length - 1 !== origin.clock) return null;
  if (start.parent !== current.parent || start.parentSub !== current.parentSub) return null;
  let left: Y.Item = start;
  let o: Y.Item | null = start.right;
  const before = new Set<Y.Item>();
  const conflicting = new Set<Y.Item>();
  while (o !== null) {
    before.add(o);
    conflicting.add(o);
    if (o.origin !== null && o.origin.client === origin.client && o.origin.clock === origin.clock) {
      if (o.id.client < w.client) {
        left = o;
        conflicting.clear();
      } else if (o.rightOrigin === null) {
        break;
      }
    } else if (o.origin !== null && o.origin.clock < Y.getState(store, o.origin.client)) {
      const oo = Y.getItem(store, o.origin);
      if (!(oo instanceof Y.Item) || !before.has(oo)) break;
      if (!conflicting.has(oo)) {
        left = o;
        conflicting.clear();
      }
    } else {
      break;
    }
    o = o.right;
  }
  return left.right === null;
}
