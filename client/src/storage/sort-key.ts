/**
 * Sort keys of the local `messages` table (DESIGN §3, §8): sequenced messages by `seq`,
 * then the device's pending ones by `createdAt` and id. Keys are strings that compare in
 * that order, so one `[roomId+sortKey]` index serves the whole room in display order and
 * two pending messages written in the same millisecond still get distinct keys.
 */

const SEQ_DIGITS = 16;

/** The sort key of a message: `s<seq>` when sequenced, `~<createdAt><id>` while pending. */
export function sortKeyOf(seq: number | null, createdAt: number, id: string): string {
  if (seq !== null) return `s${String(seq).padStart(SEQ_DIGITS, '0')}`;
  // '~' sorts after every digit and letter, so pending rows come after all sequenced ones.
  return `~${String(Math.max(0, Math.trunc(createdAt))).padStart(SEQ_DIGITS, '0')}${id}`;
}

/**
 * The sort key of a message that will never get a `seq` (refused, kept on the device as
 * sent but undelivered): just after `seq`, the last message the room had when it was
 * refused, and before `seq + 1`.
 */
export function sortKeyAfterSeq(seq: number, createdAt: number, id: string): string {
  return `${sortKeyOf(seq, 0, '')}${sortKeyOf(null, createdAt, id)}`;
}

/** The lowest and highest sort key of the sequenced part, for range queries. */
export const SEQUENCED_MIN = 's';
export const SEQUENCED_MAX = 's\uffff';

/** The sort key just above `seq` (messages after a read position start here). */
export function sortKeyAfter(seq: number): string {
  return sortKeyOf(seq + 1, 0, '');
}
