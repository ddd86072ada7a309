/** AI auto-reply (DESIGN §9): what the AI wrote on the caller's behalf. */
import { z } from 'zod';
import type { PublicUser } from './users.ts';

/** `GET /api/ai/replies?since=&limit=`: newest first. */
export const AiRepliesQuery = z.object({
  /** Only replies written after this instant (ISO 8601), e.g. when the user was last online. */
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AiRepliesQuery = z.input<typeof AiRepliesQuery>;

/** One reply the AI sent as the caller. */
export interface AiReplyInfo {
  roomId: string;
  /** The reply's message id in the room. */
  messageId: string;
  /** The id of the message it answered. */
  answeredId: string;
  /** Who it answered (the other person of the DM); null if that account is gone. */
  to: PublicUser | null;
  /** The reply's text as stored now ('' once deleted). */
  text: string;
  deleted: boolean;
  createdAt: string;
}

/** `GET /api/ai/replies`. */
export interface AiRepliesResponse {
  replies: AiReplyInfo[];
}
