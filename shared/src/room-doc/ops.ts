/**
 * Operations on a room document (DESIGN §3). Each writer does one thing in one
 * transaction and builds its entry with the same schemas the server validates with
 * (validate.ts), so an honest device never has an update refused.
 */
import * as Y from 'yjs';
import { newId } from '#shared/ids';
import {
  DEFAULT_ENTRY_LIMITS,
  RoomRoot,
  createEntrySchemas,
  isTombstone,
  messageKey,
  parseMessageEntry,
  parseMessageKey,
  parseReceiptKey,
  receiptKey,
  ReceiptEntrySchema,
  type AttachmentRef,
  type EntryLimits,
  type LiveMessageEntry,
  type MessageEntry,
  type MessageKind,
  type TombstoneEntry,
} from './schema.ts';

/** Why an operation on a document was refused. */
export const RoomDocErrorCode = {
  invalid: 'invalid_entry',
  notFound: 'not_found',
  deleted: 'deleted',
  editWindowPassed: 'edit_window_passed',
} as const;
export type RoomDocErrorCode = (typeof RoomDocErrorCode)[keyof typeof RoomDocErrorCode];

/** Thrown by the writers when the requested change isn't possible. */
export class RoomDocError extends Error {
  constructor(
    readonly code: RoomDocErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoomDocError';
  }
}

// Readers accept any text length: limits are the server's to enforce on writes.
const readSchemas = createEntrySchemas({ maxTextChars: Number.MAX_SAFE_INTEGER });
const schemaCache = new Map<number, ReturnType<typeof createEntrySchemas>>();
function schemasFor(limits: EntryLimits): ReturnType<typeof createEntrySchemas> {
  let s = schemaCache.get(limits.maxTextChars);
  if (!s) schemaCache.set(limits.maxTextChars, (s = createEntrySchemas(limits)));
  return s;
}

/** The `messages` root. */
export function messagesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(RoomRoot.messages);
}
/** The `order` root. */
export function orderMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(RoomRoot.order);
}
/** The `receipts` root. */
export function receiptsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(RoomRoot.receipts);
}

/** What {@link sendMessage} needs; the rest gets defaults. */
export interface SendMessageInput {
  authorId: string;
  deviceId: string;
  /** A ULID made on the device; it doubles as the idempotency key. Default: a new one. */
  id?: string;
  kind?: MessageKind;
  text: string;
  attachment?: AttachmentRef;
  /** The message id (not the key) of the message this one answers. */
  replyTo?: string;
  /** Milliseconds since the epoch, in server time. Default: `Date.now()`. */
  createdAt?: number;
}

/**
 * Writes a new message under `<authorId>:<id>`. Writing an id that is already there
 * returns the stored entry and writes nothing, so a resend never duplicates.
 * @throws RoomDocError `invalid_entry` when the entry doesn't fit the schema or limits.
 */
export function sendMessage(doc: Y.Doc, input: SendMessageInput, limits: EntryLimits = DEFAULT_ENTRY_LIMITS): MessageEntry {
  const entry: LiveMessageEntry = {
    id: input.id ?? newId(),
    authorId: input.authorId,
    deviceId: input.deviceId,
    kind: input.kind ?? 'text',
    text: input.text,
    createdAt: input.createdAt ?? Date.now(),
  };
  // Optional fields are left out rather than set to undefined: the document holds JSON.
  if (input.attachment) entry.attachment = { ...input.attachment };
  if (input.replyTo !== undefined) entry.replyTo = input.replyTo;
  check(schemasFor(limits).liveMessage, entry);
  const key = messageKey(entry.authorId, entry.id);
  const map = messagesMap(doc);
  let result: MessageEntry = entry;
  doc.transact(() => {
    const existing = parseMessageEntry(map.get(key), readSchemas);
    if (existing) result = existing;
    else map.set(key, entry);
  });
  return result;
}

/** Options of {@link editMessage}. */
export interface EditOptions extends Partial<EntryLimits> {
  /** When given, an edit later than this after `createdAt` is refused. */
  editWindowMs?: number;
}

/**
 * Replaces the text of a message, setting `editedAt` to `now`.
 * @throws RoomDocError `not_found`, `deleted`, `edit_window_passed` or `invalid_entry`.
 */
export function editMessage(doc: Y.Doc, key: string, text: string, now: number, options: EditOptions = {}): LiveMessageEntry {
  const map = messagesMap(doc);
  let result!: LiveMessageEntry;
  doc.transact(() => {
    const current = existingEntry(map, key);
    if (isTombstone(current)) throw new RoomDocError(RoomDocErrorCode.deleted, 'The message was deleted');
    if (options.editWindowMs !== undefined && now - current.createdAt > options.editWindowMs) {
      throw new RoomDocError(RoomDocErrorCode.editWindowPassed, 'The edit window has passed');
    }
    const edited: LiveMessageEntry = { ...current, text, editedAt: now };
    check(schemasFor({ maxTextChars: options.maxTextChars ?? DEFAULT_ENTRY_LIMITS.maxTextChars }).liveMessage, edited);
    map.set(key, edited);
    result = edited;
  });
  return result;
}

/**
 * Replaces a message with its tombstone (`deletedBy`: the author, or an admin when the
 * server deletes). Deleting a tombstone again writes nothing and returns it. `_now` is
 * accepted for symmetry with {@link editMessage}: a tombstone carries no time (DESIGN §3).
 * @throws RoomDocError `not_found` when there is no such message.
 */
export function deleteMessage(doc: Y.Doc, key: string, deletedBy: string, _now?: number): TombstoneEntry {
  const map = messagesMap(doc);
  let result!: TombstoneEntry;
  doc.transact(() => {
    const current = existingEntry(map, key);
    if (isTombstone(current)) {
      result = current;
      return;
    }
    const { id, authorId, kind, createdAt } = current;
    result = { id, authorId, kind, createdAt, deleted: true, deletedBy };
    check(readSchemas.tombstone, result);
    map.set(key, result);
  });
  return result;
}

/**
 * Gives a message its room sequence number (the server alone does this, after the
 * durable commit). A key that already has one keeps it; returns whether it wrote.
 */
export function assignSeq(doc: Y.Doc, key: string, seq: number): boolean {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`bad seq ${seq}`);
  const map = orderMap(doc);
  if (map.has(key)) return false;
  doc.transact(() => map.set(key, seq));
  return true;
}

/**
 * Moves a device's delivered watermark forward to `seq`; no write (and `false`) when
 * the stored one is already at or past it. Callers debounce: each write leaves a tombstone.
 */
export function markDelivered(doc: Y.Doc, userId: string, deviceId: string, seq: number): boolean {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
  const map = receiptsMap(doc);
  const key = receiptKey(userId, deviceId);
  const current = ReceiptEntrySchema.safeParse(map.get(key));
  if (current.success && current.data.delivered >= seq) return false;
  doc.transact(() => map.set(key, { delivered: seq }));
  return true;
}

/** The entry under `key`, or `null` when absent or malformed. */
export function getMessage(doc: Y.Doc, key: string): MessageEntry | null {
  return parseMessageEntry(messagesMap(doc).get(key), readSchemas);
}

/** A message with its key and its `seq` (`null` while pending: not yet on the server). */
export interface ListedMessage {
  key: string;
  entry: MessageEntry;
  seq: number | null;
}

/**
 * Every well-formed message in display order: sequenced ones by `seq`, then the pending
 * ones by `createdAt` (then key, so the order is the same on every device).
 */
export function listMessages(doc: Y.Doc): ListedMessage[] {
  const order = orderMap(doc);
  const out: ListedMessage[] = [];
  messagesMap(doc).forEach((value, key) => {
    const entry = parseMessageEntry(value, readSchemas);
    if (!entry || !keyMatches(key, entry)) return;
    const seq = order.get(key);
    out.push({ key, entry, seq: typeof seq === 'number' ? seq : null });
  });
  return out.sort(compareListed);
}

/** Keys of the messages that have no `seq` yet. */
export function pendingKeys(doc: Y.Doc): string[] {
  const order = orderMap(doc);
  const keys: string[] = [];
  for (const key of messagesMap(doc).keys()) if (!order.has(key)) keys.push(key);
  return keys;
}

/** Each user's delivered watermark: the max over their devices' entries. */
export function deliveredWatermarks(doc: Y.Doc): Map<string, number> {
  const out = new Map<string, number>();
  receiptsMap(doc).forEach((value, key) => {
    const k = parseReceiptKey(key);
    const r = ReceiptEntrySchema.safeParse(value);
    if (!k || !r.success) return;
    out.set(k.userId, Math.max(out.get(k.userId) ?? 0, r.data.delivered));
  });
  return out;
}

function compareListed(a: ListedMessage, b: ListedMessage): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return a.entry.createdAt - b.entry.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function keyMatches(key: string, entry: MessageEntry): boolean {
  const k = parseMessageKey(key);
  return k !== null && k.authorId === entry.authorId && k.messageId === entry.id;
}

function existingEntry(map: Y.Map<unknown>, key: string): MessageEntry {
  const value = map.get(key);
  if (value === undefined) throw new RoomDocError(RoomDocErrorCode.notFound, `No message ${key}`);
  const entry = parseMessageEntry(value, readSchemas);
  if (!entry) throw new RoomDocError(RoomDocErrorCode.invalid, `Malformed message ${key}`);
  return entry;
}

function check(schema: { safeParse(v: unknown): { success: boolean; error?: { message: string } } }, value: unknown): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new RoomDocError(RoomDocErrorCode.invalid, r.error?.message ?? 'Invalid entry');
}

// The read-position writers live with the user document; re-exported for callers that
// think of "mark read" as one of the room operations.
export { markRead, readPosition, readPositions } from './user-doc.ts';
