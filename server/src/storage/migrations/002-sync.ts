/** Room and user documents: the update log, clientID bindings, the message projection and read positions. */
export default `
-- Every accepted Yjs update (V1), appended before it is acknowledged or fanned out.
-- kind 's' is a compacted snapshot that replaces all earlier rows of its doc.
CREATE TABLE doc_updates (
  id    INTEGER PRIMARY KEY AUTOINCREMENT,
  doc   TEXT NOT NULL,
  kind  TEXT NOT NULL DEFAULT 'u' CHECK (kind IN ('u', 's')),
  data  BLOB NOT NULL
);
CREATE INDEX doc_updates_doc ON doc_updates(doc, id);

-- Which user each Yjs clientID of a document belongs to (DESIGN §5, rule 4).
CREATE TABLE doc_clients (
  doc       TEXT NOT NULL,
  client_id INTEGER NOT NULL,
  user_id   TEXT NOT NULL,
  PRIMARY KEY (doc, client_id)
) WITHOUT ROWID;

ALTER TABLE rooms ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN last_activity_at TEXT;

-- A projection of every room document's messages map, kept in the same transaction.
CREATE TABLE messages (
  rowid       INTEGER PRIMARY KEY,
  room_id     TEXT NOT NULL,
  epoch       INTEGER NOT NULL DEFAULT 0,
  key         TEXT NOT NULL,
  id          TEXT NOT NULL,
  author_id   TEXT NOT NULL,
  device_id   TEXT,
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL DEFAULT '',
  attachment  TEXT,
  reply_to    TEXT,
  created_at  TEXT NOT NULL,
  received_at TEXT NOT NULL,
  edited_at   TEXT,
  deleted     INTEGER NOT NULL DEFAULT 0,
  deleted_by  TEXT,
  seq         INTEGER,
  UNIQUE (room_id, key)
);
CREATE INDEX messages_room_seq ON messages(room_id, seq);
CREATE INDEX messages_room_id ON messages(room_id, id);

CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;

-- Each user's read position per room (max over their devices), projected from user docs.
CREATE TABLE read_positions (
  user_id TEXT NOT NULL,
  room_id TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (user_id, room_id)
) WITHOUT ROWID;
`;
