/** Messages over REST: post, history, edit, delete, search. */
import { z } from 'zod';
import { ULID_PATTERN } from '../ids.ts';

const Ulid = z.string().regex(ULID_PATTERN, 'must be a ULID');

/**
 * `text` length is checked against the server's `maxTextChars` (GET /api/config). A message
 * with `attachmentId` (an attachment the caller uploaded) may have no text.
 */
export const PostMessageBody = z
  .object({
    /** A client-made ULID: a retry with the same id returns the same message. */
    id: Ulid.optional(),
    text: z.string().default(''),
    attachmentId: Ulid.optional(),
    replyTo: Ulid.optional(),
  })
  .strict()
  .refine((b) => b.text.length > 0 || b.attachmentId !== undefined, { path: ['text'], message: 'required' });
export type PostMessageBody = z.input<typeof PostMessageBody>;

export const PatchMessageBody = z.object({ text: z.string().min(1, 'required') }).strict();

export const HistoryQuery = z.object({
  /** Exclusive upper bound on `seq`; omitted = from the newest. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const SearchQuery = z.object({
  q: z.string().trim().min(1, 'required').max(200),
  roomId: z.string().max(64).optional(),
});

/** A message as REST returns it. */
export interface ApiMessage {
  id: string;
  roomId: string;
  authorId: string;
  deviceId: string | null;
  kind: string;
  text: string;
  attachment: unknown | null;
  replyTo: string | null;
  createdAt: string;
  receivedAt: string;
  editedAt: string | null;
  deleted: boolean;
  deletedBy: string | null;
  seq: number | null;
  epoch: number;
}

export interface MessageResponse {
  message: ApiMessage;
}
export interface HistoryResponse {
  /** Newest first. */
  messages: ApiMessage[];
  /** Pass as `before` for the next (older) page; null at the start of the room. */
  nextBefore: number | null;
}
export interface SearchResponse {
  results: (ApiMessage & { snippet: string })[];
}

/** One member and the moment a message reached them (delivered) or was read by them. */
export interface ReceiptTime {
  userId: string;
  /**
   * ISO time the member's watermark first reached the message; null for a delivery to a
   * member whose presence the viewer may not see (the time would tell when they were online).
   */
  at: string | null;
}
/**
 * `GET /api/rooms/:id/messages/:messageId/receipts`, for the message's author: the other
 * members it was delivered to and who read it, with times. Reads only of members whose
 * read receipts the author may see, delivery times only of those whose presence they may
 * see (both share it; neither blocked the other).
 */
export interface MessageReceiptsResponse {
  messageId: string;
  seq: number;
  delivered: ReceiptTime[];
  read: ReceiptTime[];
}
