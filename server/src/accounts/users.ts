/**
 * The `users` table: accounts, their public face and their settings. Plain functions over
 * the database so routes, the rooms layer and the sync hub share one definition of what is
 * public and what is private.
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import { newId, type UserId } from '#shared/ids';
import { DEFAULT_SETTINGS, type Me, type PatchMeBody, type PublicUser, type UserSettings } from '#shared/api/users';
import type { z } from 'zod';

/** A validated PATCH /me body. */
export type MePatch = z.output<typeof PatchMeBody>;

/** A row of `users` as stored. Never leaves the server as is (it holds the password hash). */
export interface UserRow {
  id: UserId;
  username: string;
  display_name: string;
  password_hash: string;
  settings: string;
  created_at: string;
  last_seen_at: string | null;
}

/** At most this many users per search. */
export const SEARCH_LIMIT = 20;

export const toPublicUser = (row: Pick<UserRow, 'id' | 'username' | 'display_name'>): PublicUser => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
});

export const toMe = (row: UserRow): Me => ({
  ...toPublicUser(row),
  createdAt: row.created_at,
  settings: parseSettings(row.settings),
});

/** Stored settings (possibly partial, possibly from an older version) over the defaults. */
export function parseSettings(stored: string): UserSettings {
  let raw: Partial<UserSettings> = {};
  try {
    const v = JSON.parse(stored) as unknown;
    if (v && typeof v === 'object') raw = v as Partial<UserSettings>;
  } catch {
    // A corrupt column falls back to the defaults rather than locking the user out.
  }
  return {
    ...DEFAULT_SETTINGS,
    ...raw,
    aiAutoReply: { ...DEFAULT_SETTINGS.aiAutoReply, ...(raw.aiAutoReply ?? {}) },
  };
}

/** `patch` merged over `current`, field by field (aiAutoReply one level deeper). */
export function mergeSettings(current: UserSettings, patch: NonNullable<MePatch['settings']>): UserSettings {
  const { aiAutoReply, ...rest } = patch;
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    ...current,
    ...defined(rest),
    aiAutoReply: { ...current.aiAutoReply, ...defined(aiAutoReply ?? {}) },
  };
}

export function getUserRow(db: Db, id: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

/** Case-insensitive: the column is `COLLATE NOCASE`. */
export function getUserRowByUsername(db: Db, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
}

/** What anyone may see of user `id`, or undefined if there is no such user. */
export function getPublicUser(db: Db, id: string): PublicUser | undefined {
  const row = db.prepare('SELECT id, username, display_name FROM users WHERE id = ?').get(id) as
    | Pick<UserRow, 'id' | 'username' | 'display_name'>
    | undefined;
  return row && toPublicUser(row);
}

/** Public views of several users at once (unknown ids are left out). */
export function getPublicUsers(db: Db, ids: readonly string[]): PublicUser[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(`SELECT id, username, display_name FROM users WHERE id IN (${ids.map(() => '?').join(',')})`)
    .all(...ids) as Pick<UserRow, 'id' | 'username' | 'display_name'>[];
  return rows.map(toPublicUser);
}

/** User `id`'s settings merged over the defaults; the defaults for an unknown user. */
export function getUserSettings(db: Db, id: string): UserSettings {
  const row = db.prepare('SELECT settings FROM users WHERE id = ?').get(id) as { settings: string } | undefined;
  return parseSettings(row?.settings ?? '{}');
}

export function getMe(db: Db, id: string): Me | undefined {
  const row = getUserRow(db, id);
  return row && toMe(row);
}

export class UsernameTakenError extends Error {}

/**
 * Inserts a user. `username` must already be normalised (lowercase); a clash in any case
 * throws {@link UsernameTakenError} (the unique index decides, so two racing registrations
 * can't both win).
 */
export function createUser(db: Db, input: { username: string; displayName: string; passwordHash: string }): UserRow {
  const row: UserRow = {
    id: newId<UserId>(),
    username: input.username,
    display_name: input.displayName,
    password_hash: input.passwordHash,
    settings: '{}',
    created_at: nowIso(),
    last_seen_at: null,
  };
  try {
    db.prepare(
      `INSERT INTO users (id, username, display_name, password_hash, settings, created_at)
       VALUES (@id, @username, @display_name, @password_hash, @settings, @created_at)`,
    ).run(row);
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(input.username);
    throw e;
  }
  return row;
}

/** Applies a PATCH /me; returns the updated user and whether settings were touched. */
export function updateMe(db: Db, id: string, patch: MePatch): { me: Me; settingsChanged: boolean } | undefined {
  return db.transaction(() => {
    const row = getUserRow(db, id);
    if (!row) return undefined;
    if (patch.displayName !== undefined) {
      db.prepare('UPDATE users SET display_name = ? WHERE id = ?').run(patch.displayName, id);
      row.display_name = patch.displayName;
    }
    let settingsChanged = false;
    if (patch.settings !== undefined) {
      const before = parseSettings(row.settings);
      const after = mergeSettings(before, patch.settings);
      row.settings = JSON.stringify(after);
      settingsChanged = row.settings !== JSON.stringify(before);
      db.prepare('UPDATE users SET settings = ? WHERE id = ?').run(row.settings, id);
    }
    return { me: toMe(row), settingsChanged };
  })();
}

/** `LIKE` treats `%` and `_` as wildcards; a search for "a_b" must match only "a_b". */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => '\\' + ch);

/**
 * Users whose username or display name (or any word of it) starts with `q`, case-insensitive,
 * at most {@link SEARCH_LIMIT}, without `excludeId`. Username matches first (alphabetical,
 * so an exact name leads), then display-name prefixes, then display-name word prefixes.
 */
export function searchUsers(db: Db, q: string, excludeId: string): PublicUser[] {
  const term = q.trim();
  if (!term) return [];
  const prefix = likeEscape(term) + '%';
  const wordPrefix = '% ' + prefix;
  const rows = db
    .prepare(
      `SELECT id, username, display_name,
              CASE WHEN username LIKE @prefix ESCAPE '\\' THEN 1
                   WHEN display_name LIKE @prefix ESCAPE '\\' THEN 2
                   ELSE 3 END AS rank
       FROM users
       WHERE id != @excludeId
         AND (username LIKE @prefix ESCAPE '\\'
              OR display_name LIKE @prefix ESCAPE '\\'
              OR (' ' || display_name) LIKE @wordPrefix ESCAPE '\\')
       ORDER BY rank, username
       LIMIT @limit`,
    )
    .all({ prefix, wordPrefix, excludeId, limit: SEARCH_LIMIT }) as Pick<UserRow, 'id' | 'username' | 'display_name'>[];
  return rows.map(toPublicUser);
}
