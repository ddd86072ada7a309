/**
 * When each member's delivered and read watermarks moved, for "delivered at / read at" in
 * message info. A row per advance (never per message): the time a user received or read
 * message `s` is that of their first mark with `seq >= s`. Watermarks are written at most
 * every few seconds per device, so this grows with activity, not with room size.
 */
export default `
CREATE TABLE receipt_marks (
  room_id TEXT NOT NULL,
  kind    TEXT NOT NULL CHECK (kind IN ('delivered', 'read')),
  user_id TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  at      TEXT NOT NULL,
  PRIMARY KEY (room_id, kind, user_id, seq)
) WITHOUT ROWID;
`;
