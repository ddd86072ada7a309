/**
 * Branded identifiers. A `UserId` can't be passed where a `RoomId` is expected, though both
 * are ULID strings on the wire. Ids never contain `:`, which separates the parts of
 * room-document keys (`<authorId>:<messageId>`) and document names (`room:<roomId>:<epoch>`).
 */
import { ulid } from 'ulid';

declare const brand: unique symbol;
/** A string tagged with the kind of thing it names. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;
export type MessageId = Brand<string, 'MessageId'>;
/** A device is a session: its id is the session id carried in the access token. */
export type DeviceId = Brand<string, 'DeviceId'>;
export type SessionId = DeviceId;
export type AttachmentId = Brand<string, 'AttachmentId'>;

/** Crockford base32 ULID: 26 characters, time-sortable. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A new ULID (used for users, rooms, sessions, messages, attachments). */
export function newId<T extends string>(): T {
  return ulid() as T;
}

/** True when `s` is a well-formed ULID. */
export function isUlid(s: unknown): s is string {
  return typeof s === 'string' && ULID_PATTERN.test(s);
}
