/** Attachments: one row per uploaded id; the bytes live on disk by SHA-256 (attachments/blob-store.ts). */
export default `
CREATE TABLE attachments (
  id            TEXT PRIMARY KEY,
  uploader_id   TEXT NOT NULL REFERENCES users(id),
  sha256        TEXT NOT NULL,
  name          TEXT NOT NULL,
  mime          TEXT NOT NULL,   -- sniffed from the bytes
  size          INTEGER NOT NULL,
  width         INTEGER,
  height        INTEGER,
  has_thumbnail INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- "Which messages reference attachment X" for read authorisation, straight off the
-- projection: no second table to keep in step with it (edits, deletes, epochs).
CREATE INDEX messages_attachment_id ON messages(json_extract(attachment, '$.id')) WHERE attachment IS NOT NULL;
`;
