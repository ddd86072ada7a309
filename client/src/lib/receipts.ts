/**
 * Ticks and "read by N of M" (DESIGN §3), as pure functions of what the device knows:
 * the message's `seq`, the other members, their delivered watermarks (max over devices,
 * from the room document) and their read positions (from the server's `receipts`
 * controls, only for members who share them). Counted in `seq`, so nothing here can go
 * backwards when the inputs only move forward.
 */

/** The state icon of an own message; also its accessible name (DESIGN §8). */
export type TickState = 'pending' | 'sent' | 'delivered' | 'read';

/** Each member's highest delivered `seq` (max over their devices). */
export type Watermarks = ReadonlyMap<string, number>;
/** Each member's read `seq`, for the members whose read positions this device may see. */
export type ReadPositions = Readonly<Record<string, number>>;

/** A member received `seq` when a device of theirs did, or when they read it (reading implies receiving). */
export function hasReceived(userId: string, seq: number, delivered: Watermarks, reads: ReadPositions): boolean {
  return (delivered.get(userId) ?? 0) >= seq || (reads[userId] ?? 0) >= seq;
}

export function hasRead(userId: string, seq: number, reads: ReadPositions): boolean {
  return (reads[userId] ?? 0) >= seq;
}

/**
 * The tick of an own message: pending without a `seq`; sent once it has one; delivered
 * when every other member received it; read when every other member read it. With no
 * other member (a group left alone) it stays "sent": nobody is there to receive it.
 */
export function tickState(seq: number | null, others: readonly string[], delivered: Watermarks, reads: ReadPositions): TickState {
  if (seq === null) return 'pending';
  if (others.length === 0) return 'sent';
  if (others.every((u) => hasRead(u, seq, reads))) return 'read';
  if (others.every((u) => hasReceived(u, seq, delivered, reads))) return 'delivered';
  return 'sent';
}

/** Who has a message, in the groups the message-info view lists. Each member is in exactly one. */
export interface ReceiptGroups {
  read: string[];
  /** Received but not (known to be) read. */
  delivered: string[];
  /** Not received on any device yet. */
  waiting: string[];
  /** Members counted (everyone but the author). */
  total: number;
}

export function receiptGroups(seq: number | null, others: readonly string[], delivered: Watermarks, reads: ReadPositions): ReceiptGroups {
  const groups: ReceiptGroups = { read: [], delivered: [], waiting: [], total: others.length };
  for (const u of others) {
    if (seq !== null && hasRead(u, seq, reads)) groups.read.push(u);
    else if (seq !== null && hasReceived(u, seq, delivered, reads)) groups.delivered.push(u);
    else groups.waiting.push(u);
  }
  return groups;
}

/** The highest `seq` among `values` (0 when none is a positive integer). */
export function maxSeq(values: Iterable<unknown>): number {
  let max = 0;
  for (const v of values) if (typeof v === 'number' && Number.isSafeInteger(v) && v > max) max = v;
  return max;
}
