/**
 * The schema of the room document and of the private user document (DESIGN §3): root
 * names, keys, entry shapes and the awareness state. Values are plain JSON, never nested
 * Y types, which keeps every update easy to validate (validate.ts).
 */
import { z } from 'zod';
import { ULID_PATTERN, isUlid } from '#shared/ids';

/** Roots of a room document `room:<roomId>:<epoch>`. */
export const RoomRoot = {
  /** Y.Map `<authorId>:<messageId>` → {@link MessageEntry}; written by the author's devices. */
  messages: 'messages',
  /** Y.Map, same key as `messages` → seq (integer); written by the server alone. */
  order: 'order',
  /** Y.Map `<userId>:<deviceId>` → {@link ReceiptEntry}; written by that device. */
  receipts: 'receipts',
} as const;
export type RoomRoot = (typeof RoomRoot)[keyof typeof RoomRoot];

/** Roots of a user document `user:<userId>` (synced by that user's devices only). */
export const UserRoot = {
  /** Y.Map `<roomId>:<deviceId>` → {@link ReadEntry}. */
  reads: 'reads',
  /** Y.Map `<roomId>` → {@link RoomPrefs}. */
  prefs: 'prefs',
} as const;
export type UserRoot = (typeof UserRoot)[keyof typeof UserRoot];

/** Limits of entry contents; the server publishes its own in `GET /api/config`. */
export interface EntryLimits {
  /** Longest message text, in UTF-16 code units (`MAX_TEXT_CHARS`, default 8000). */
  maxTextChars: number;
}

/** The defaults of the server's configuration. */
export const DEFAULT_ENTRY_LIMITS: EntryLimits = { maxTextChars: 8000 };

export const MESSAGE_KINDS = ['text', 'image', 'file', 'ai', 'system'] as const;
/** `ai` and `system` entries are written by the server only. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** The kinds a device may create; the others come from the server. */
export const CLIENT_MESSAGE_KINDS: ReadonlySet<MessageKind> = new Set(['text', 'image', 'file']);

const ulid = z.string().regex(ULID_PATTERN);
// Milliseconds since the Unix epoch (server time, as corrected on the device).
const timestamp = z.number().int().nonnegative().max(8.64e15);
const deviceId = z.string().min(1).max(64).regex(/^[^:]+$/);

/** An attachment as a message refers to it (the bytes live on the server, by `id`). */
export const AttachmentRefSchema = z.strictObject({
  id: ulid,
  name: z.string().min(1).max(255),
  mime: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

/** Builds the entry schemas for the given limits (the server's configuration). */
export function createEntrySchemas(limits: EntryLimits = DEFAULT_ENTRY_LIMITS) {
  const liveMessage = z.strictObject({
    id: ulid,
    authorId: ulid,
    deviceId,
    kind: z.enum(MESSAGE_KINDS),
    text: z.string().max(limits.maxTextChars),
    attachment: AttachmentRefSchema.optional(),
    /** The message id (not the key) of the message this one answers. */
    replyTo: ulid.optional(),
    createdAt: timestamp,
    editedAt: timestamp.optional(),
    deleted: z.literal(false).optional(),
  }).superRefine((m, ctx) => {
    // An attachment is what makes an image or a file; a text message has words.
    const wantsAttachment = m.kind === 'image' || m.kind === 'file';
    if (wantsAttachment !== (m.attachment !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['attachment'], message: wantsAttachment ? 'required for this kind' : 'only for images and files' });
    }
    if (m.kind === 'text' && m.text.length === 0) ctx.addIssue({ code: 'custom', path: ['text'], message: 'empty text' });
  });
  const tombstone = z.strictObject({
    id: ulid,
    authorId: ulid,
    kind: z.enum(MESSAGE_KINDS),
    createdAt: timestamp,
    deleted: z.literal(true),
    deletedBy: ulid,
  });
  return { liveMessage, tombstone };
}

const defaultSchemas = createEntrySchemas();
/** A message as it stands (possibly edited). */
export type LiveMessageEntry = z.infer<typeof defaultSchemas.liveMessage>;
/** A deleted message: final, no later write to its key is accepted. */
export type TombstoneEntry = z.infer<typeof defaultSchemas.tombstone>;
/** A value of the `messages` root. */
export type MessageEntry = LiveMessageEntry | TombstoneEntry;

/**
 * Parses a `messages` value with the default limits; `null` when it is not a valid entry.
 * Readers use it to skip garbage instead of trusting the document blindly.
 */
export function parseMessageEntry(value: unknown, schemas = defaultSchemas): MessageEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const schema = (value as { deleted?: unknown }).deleted === true ? schemas.tombstone : schemas.liveMessage;
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

/** True for a tombstone. */
export function isTombstone(e: MessageEntry): e is TombstoneEntry {
  return e.deleted === true;
}

/** A device's delivered watermark in a room: the highest `seq` it has received. */
export const ReceiptEntrySchema = z.strictObject({ delivered: z.number().int().nonnegative() });
export type ReceiptEntry = z.infer<typeof ReceiptEntrySchema>;

/** A device's read position in a room (user document), with when it was read. */
export const ReadEntrySchema = z.strictObject({
  read: z.number().int().nonnegative(),
  at: z.union([z.string().max(40), timestamp]),
});
export type ReadEntry = z.infer<typeof ReadEntrySchema>;

/** Per-room preferences of a user (user document). */
export const RoomPrefsSchema = z.strictObject({
  muted: z.boolean().optional(),
  archived: z.boolean().optional(),
});
export type RoomPrefs = z.infer<typeof RoomPrefsSchema>;

/**
 * Awareness state of a device in a room (presence and typing); ephemeral, never
 * persisted. An empty object means "no state yet" (the stock provider starts with it).
 */
export const AwarenessStateSchema = z.strictObject({
  user: z.strictObject({ id: ulid, name: z.string().max(100) }),
  deviceId,
  typing: z.boolean(),
});
export type AwarenessState = z.infer<typeof AwarenessStateSchema>;

/** The key of a message in `messages` and `order`. Ids never contain `:`. */
export function messageKey(authorId: string, messageId: string): string {
  return `${authorId}:${messageId}`;
}

/** Splits a message key; `null` unless both parts are ULIDs. */
export function parseMessageKey(key: string): { authorId: string; messageId: string } | null {
  const pair = splitPair(key);
  return pair && isUlid(pair[0]) && isUlid(pair[1]) ? { authorId: pair[0], messageId: pair[1] } : null;
}

/** The key of a device's entry in `receipts`. */
export function receiptKey(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** Splits a receipt key; `null` unless the user id is a ULID and the device id is present. */
export function parseReceiptKey(key: string): { userId: string; deviceId: string } | null {
  const pair = splitPair(key);
  return pair && isUlid(pair[0]) && deviceId.safeParse(pair[1]).success ? { userId: pair[0], deviceId: pair[1] } : null;
}

/** The key of a device's read position in the user document's `reads`. */
export function readKey(roomId: string, deviceId: string): string {
  return `${roomId}:${deviceId}`;
}

/** Splits a read key; `null` unless the room id is a ULID and the device id is present. */
export function parseReadKey(key: string): { roomId: string; deviceId: string } | null {
  const pair = splitPair(key);
  return pair && isUlid(pair[0]) && deviceId.safeParse(pair[1]).success ? { roomId: pair[0], deviceId: pair[1] } : null;
}

function splitPair(key: string): [string, string] | null {
  const i = key.indexOf(':');
  if (i <= 0 || i === key.length - 1 || key.indexOf(':', i + 1) !== -1) return null;
  return [key.slice(0, i), key.slice(i + 1)];
}
