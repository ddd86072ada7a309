/** AI auto-reply: every reply the AI wrote for a user (rate, daily cap, "what the AI said for me"). */
export default `
CREATE TABLE ai_replies (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  -- The reply's message id in the room document, and the message it answered.
  message_id  TEXT NOT NULL,
  answered_id TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX ai_replies_conversation ON ai_replies(room_id, user_id, created_at);
CREATE INDEX ai_replies_user ON ai_replies(user_id, created_at);
`;
