/** Accounts, sessions, rooms, members, invites and blocks. */
export default `
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  settings      TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL,
  last_seen_at  TEXT
);
CREATE INDEX users_display_name ON users(display_name COLLATE NOCASE);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id),
  device_name  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Every refresh token ever issued, by hash. Only the newest of a session is current;
-- presenting a rotated one means it was stolen, and revokes the session.
CREATE TABLE refresh_tokens (
  hash        TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES sessions(id),
  created_at  TEXT NOT NULL,
  rotated_at  TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE rooms (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('dm', 'group')),
  name             TEXT NOT NULL,
  visibility       TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  only_admins_post INTEGER NOT NULL DEFAULT 0,
  dm_key           TEXT UNIQUE,          -- '<smaller userId>:<larger userId>' for DMs
  live_epoch       INTEGER NOT NULL DEFAULT 0,
  created_by       TEXT NOT NULL REFERENCES users(id),
  created_at       TEXT NOT NULL
);
CREATE INDEX rooms_public ON rooms(visibility, name COLLATE NOCASE);

CREATE TABLE members (
  room_id   TEXT NOT NULL REFERENCES rooms(id),
  user_id   TEXT NOT NULL REFERENCES users(id),
  role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at TEXT NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_user ON members(user_id);

CREATE TABLE invites (
  token      TEXT PRIMARY KEY,
  room_id    TEXT NOT NULL REFERENCES rooms(id),
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX invites_room ON invites(room_id);

CREATE TABLE blocks (
  blocker_id TEXT NOT NULL REFERENCES users(id),
  blocked_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX blocks_blocked ON blocks(blocked_id);
`;
