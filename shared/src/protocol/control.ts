/**
 * The JSON control messages carried on `/sync` in frames whose document name is `""`
 * (DESIGN §4). Typed once here; both sides parse with these schemas and switch
 * exhaustively on `type`.
 */
import { z } from 'zod';

/** Control and error codes sent in `error` messages. */
export const SyncErrorCode = {
  /** An update broke a write rule of DESIGN §5; nothing of it was applied. */
  rejected: 'rejected',
  /** Not a member (any more), or not allowed to post here. */
  forbidden: 'forbidden',
  /** The write went to a sealed epoch; move pending entries to the live one. */
  sealed: 'sealed',
  /** The write can't be delivered (neutral: does not say why). */
  undeliverable: 'undeliverable',
  /** Too many updates; slow down and resync. */
  rateLimited: 'rate_limited',
  /** A frame or update over the size limit. */
  tooLarge: 'too_large',
  /** A frame that could not be decoded. */
  malformed: 'malformed',
  /** A control message sent before `auth`, or `auth` twice. */
  badState: 'bad_state',
  /** The server could not store the update; it was not applied. Resync later. */
  internal: 'internal',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

// client → server
export const AuthMsg = z.object({
  type: z.literal('auth'),
  token: z.string().min(1).max(4096),
  protocolVersion: z.number().int(),
  deviceId: z.string().max(64).optional(),
});
export const PingMsg = z.object({ type: z.literal('ping'), t: z.number().optional() });
export const ClientControl = z.discriminatedUnion('type', [AuthMsg, PingMsg]);
export type ClientControl = z.infer<typeof ClientControl>;

// server → client
export const HelloMsg = z.object({
  type: z.literal('hello'),
  userId: z.string(),
  deviceId: z.string(),
  /** Server time in ms since the epoch, for the clock offset. */
  serverTime: z.number(),
  /** roomId → live epoch, for every room of the user. */
  epochs: z.record(z.string(), z.number()),
});
export const AckMsg = z.object({
  type: z.literal('ack'),
  doc: z.string(),
  /** The document's state vector after the durable write, lib0/Yjs encoding, base64. */
  sv: z.string(),
});
export const RoomsMsg = z.object({ type: z.literal('rooms'), changed: z.array(z.string()) });
export const PresenceMsg = z.object({
  type: z.literal('presence'),
  userId: z.string(),
  online: z.boolean(),
  lastSeen: z.string().nullable(),
});
export const ChangedMsg = z.object({ type: z.literal('changed'), roomId: z.string(), messageIds: z.array(z.string()) });
export const ErrorMsg = z.object({
  type: z.literal('error'),
  code: z.enum(Object.values(SyncErrorCode) as [SyncErrorCode, ...SyncErrorCode[]]),
  doc: z.string().optional(),
  detail: z.string(),
});
export const ReceiptsMsg = z.object({
  type: z.literal('receipts'),
  roomId: z.string(),
  /** userId → read seq, for members who share read receipts. */
  reads: z.record(z.string(), z.number()),
});
/** The user's profile or block list changed (maybe on another of their devices): refetch it. */
export const AccountMsg = z.object({ type: z.literal('account'), what: z.enum(['profile', 'blocks']) });
export type AccountChange = z.infer<typeof AccountMsg>['what'];
export const EpochMsg = z.object({ type: z.literal('epoch'), roomId: z.string(), live: z.number() });
export const PongMsg = z.object({ type: z.literal('pong'), t: z.number().optional() });
export const ServerControl = z.discriminatedUnion('type', [
  HelloMsg,
  AckMsg,
  RoomsMsg,
  PresenceMsg,
  ChangedMsg,
  ErrorMsg,
  ReceiptsMsg,
  EpochMsg,
  AccountMsg,
  PongMsg,
]);
export type ServerControl = z.infer<typeof ServerControl>;

/** For exhaustive switches: a compile error when a case is missing. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`);
}
