/** Accounts and people: request schemas and response types. */
import { z } from 'zod';
import type { UserId, SessionId } from '../ids.ts';

/** 3–32 of `[a-z0-9_.]`; stored as typed, unique regardless of case. */
export const Username = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[A-Za-z0-9_.]+$/, 'only letters, digits, "_" and "."')
  .transform((s) => s.toLowerCase());

export const Password = z.string().min(8, 'at least 8 characters').max(200, 'at most 200 characters');
export const DisplayName = z.string().trim().min(1, 'required').max(64, 'at most 64 characters');

export const RegisterBody = z.object({ username: Username, password: Password, displayName: DisplayName });
export type RegisterBody = z.input<typeof RegisterBody>;

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(64).transform((s) => s.toLowerCase()),
  password: z.string().min(1).max(200),
  deviceName: z.string().trim().max(64).optional(),
});
export type LoginBody = z.input<typeof LoginBody>;

export const AiAutoReplySettings = z.object({
  enabled: z.boolean(),
  persona: z.string().max(2000),
  rooms: z.union([z.literal('all'), z.array(z.string()).max(500)]),
});

/** Per-user settings; every field has a default, a PATCH may send any subset. */
export const UserSettings = z.object({
  shareReadReceipts: z.boolean(),
  sharePresence: z.boolean(),
  aiAutoReply: AiAutoReplySettings,
});
export type UserSettings = z.infer<typeof UserSettings>;
export const DEFAULT_SETTINGS: UserSettings = {
  shareReadReceipts: true,
  sharePresence: true,
  aiAutoReply: { enabled: false, persona: '', rooms: 'all' },
};

export const PatchMeBody = z
  .object({
    displayName: DisplayName.optional(),
    settings: UserSettings.extend({ aiAutoReply: AiAutoReplySettings.partial() }).partial().optional(),
  })
  .strict();
export type PatchMeBody = z.input<typeof PatchMeBody>;

/**
 * `GET /api/users?q=`: prefix match (any case) on the username, the display name or any word
 * of it; at most 20, never the caller. An empty or missing `q` answers `{users: []}`.
 */
export const UserSearchQuery = z.object({ q: z.string().trim().max(64).default('') });

/** What anyone may see of a user. */
export interface PublicUser {
  id: UserId;
  username: string;
  displayName: string;
}
/** What a user sees of themself. */
export interface Me extends PublicUser {
  createdAt: string;
  settings: UserSettings;
}

export interface LoginResponse {
  accessToken: string;
  expiresAt: string;
  user: Me;
  sessionId: SessionId;
}
export interface RefreshResponse {
  accessToken: string;
  expiresAt: string;
}
export interface SessionInfo {
  id: SessionId;
  deviceName: string;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

export const BlockBody = z.object({ userId: z.string().min(1).max(64) });
export interface BlockInfo {
  user: PublicUser;
  createdAt: string;
}

/** `GET /api/users/:id`. (`GET /api/me` and `PATCH /api/me` answer a bare {@link Me}.) */
export interface UserResponse {
  user: PublicUser;
}
/** `POST /api/blocks`: 201 when the block is new, 200 when it already existed. */
export interface BlockResponse {
  block: BlockInfo;
}
