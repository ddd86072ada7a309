/**
 * The AI auto-reply (DESIGN §9): when a DM message reaches someone who switched it on and
 * has been offline for the grace period, ask the model for a short reply and write it into
 * the DM as them, `kind: 'ai'`. It runs after the commit (never on its path), asks the
 * guards once before the request and again just before the write, and writes the reply
 * in one server transaction, so a failure leaves the room exactly as it was.
 */
import type { Db } from '../storage/db.ts';
import { nowIso } from '../storage/db.ts';
import type { Projection } from '../storage/projection.ts';
import type { SequencedMessage } from '../sync/hub.ts';
import type * as Y from 'yjs';
import { roomDocName } from '#shared/room-doc/names';
import { sendMessage } from '#shared/room-doc/ops';
import { messageKey } from '#shared/room-doc/schema';
import { newId } from '#shared/ids';
import { getRoomRow } from '../rooms/room-store.ts';
import { getMembership, listMemberIds } from '../rooms/membership.ts';
import { isBlockedEitherWay } from '../accounts/blocks.ts';
import { getPublicUser, getUserSettings } from '../accounts/users.ts';
import { AiProviderError, type AiProvider } from './provider.ts';
import { AiLedger } from './ledger.ts';
import { CONTEXT_MESSAGES, MAX_OUTPUT_TOKENS, REPLY_CHARS, buildContents, systemInstruction } from './prompt.ts';

/** Why no reply was written. */
export type AiSkipReason =
  | 'unavailable' // no provider configured
  | 'ai_message' // never answer an AI (or system) message: no loops
  | 'group'
  | 'disabled'
  | 'not_covered' // the switch is on, but not for this chat
  | 'online'
  | 'grace' // offline, but not for long enough
  | 'blocked'
  | 'busy' // a reply for this conversation is being written
  | 'rate'
  | 'cap'
  | 'not_member'
  | 'closed';

export type AiOutcome =
  | { status: 'replied'; messageId: string }
  | { status: 'skipped'; reason: AiSkipReason; /** true when it was the re-check before writing */ late?: boolean }
  | { status: 'failed'; error: string; attempts: number };

/** One decision about one message; `userId` is null when nobody could be answered for. */
export interface AiOutcomeEvent {
  roomId: string;
  messageId: string;
  userId: string | null;
  outcome: AiOutcome;
}

/** What the auto-reply reads and writes; the sync layer passes its own parts. */
export interface AutoReplyDeps {
  db: Db;
  projection: Projection;
  /** Writes into a room document as the server; resolves once durable. */
  serverWrite(docName: string, userId: string, fn: (doc: Y.Doc) => string[]): Promise<void>;
  isOnline(userId: string): boolean;
  /** When the user's last device disconnected (ISO), or null if they never connected. */
  lastSeen(userId: string): string | null;
  /** Undefined when no model is configured: then nothing answers. */
  provider: AiProvider | undefined;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  graceMs: number;
  intervalMs: number;
  dailyCap: number;
  maxTextChars: number;
  /** Wait before the one retry (default 1 s, with up to 50% jitter). */
  retryDelayMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

export class AutoReplier {
  /** Every decision, in order (logs; tests wait on it). */
  onOutcome: (e: AiOutcomeEvent) => void = () => {};
  private readonly ledger: AiLedger;
  /** Conversations (`roomId:userId`) with a reply in progress → the user. */
  private readonly inflight = new Map<string, string>();
  /** Conversations whose last attempt failed, and when: a failing API is not asked on every message. */
  private readonly failedAt = new Map<string, number>();
  private readonly abort = new AbortController();
  private running = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly deps: AutoReplyDeps) {
    this.ledger = new AiLedger(deps.db);
  }

  /** Called after each commit; starts the work and returns at once. */
  onSequenced(msgs: SequencedMessage[]): void {
    if (this.abort.signal.aborted) return;
    // Only the newest message of a room per commit: a burst gets one answer, with all of it as context.
    const newest = new Map<string, SequencedMessage>();
    for (const m of msgs) if ((newest.get(m.roomId)?.seq ?? -1) < m.seq) newest.set(m.roomId, m);
    for (const m of newest.values()) this.consider(m);
  }

  /** Resolves when no reply is being worked on (tests, shutdown). */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Aborts requests in flight; nothing is written after this. */
  close(): void {
    this.abort.abort();
  }

  private consider(m: SequencedMessage): void {
    const { roomId, entry } = m;
    const emit = (userId: string | null, outcome: AiOutcome) => this.emit({ roomId, messageId: entry.id, userId, outcome });
    if (entry.deleted) return;
    if (!this.deps.provider) return emit(null, { status: 'skipped', reason: 'unavailable' });
    if (entry.kind === 'ai' || entry.kind === 'system') return emit(null, { status: 'skipped', reason: 'ai_message' });
    const room = getRoomRow(this.deps.db, roomId);
    if (!room) return;
    if (room.kind !== 'dm') return emit(null, { status: 'skipped', reason: 'group' });
    for (const userId of listMemberIds(this.deps.db, roomId)) {
      if (userId === entry.authorId) continue;
      const reason = this.guard(roomId, userId, entry.authorId);
      if (reason) emit(userId, { status: 'skipped', reason });
      else this.track(this.answer(m, userId, emit));
    }
  }

  /** Every guard, synchronously; undefined when a reply may be written now. */
  private guard(roomId: string, userId: string, peerId: string): AiSkipReason | undefined {
    const { db } = this.deps;
    const ai = getUserSettings(db, userId).aiAutoReply;
    if (!ai.enabled) return 'disabled';
    if (ai.rooms !== 'all' && !ai.rooms.includes(roomId)) return 'not_covered';
    if (!getMembership(db, roomId, userId) || !getMembership(db, roomId, peerId)) return 'not_member';
    if (this.deps.isOnline(userId)) return 'online';
    const seen = this.deps.lastSeen(userId);
    if (seen && Date.now() - Date.parse(seen) < this.deps.graceMs) return 'grace';
    if (isBlockedEitherWay(db, userId, peerId)) return 'blocked';
    const now = Date.now();
    const last = Math.max(this.ledger.lastReplyAt(roomId, userId) ?? 0, this.failedAt.get(`${roomId}:${userId}`) ?? 0);
    if (now - last < this.deps.intervalMs) return 'rate';
    let inflightOfUser = 0;
    for (const u of this.inflight.values()) if (u === userId) inflightOfUser++;
    if (this.ledger.countSince(userId, new Date(now - DAY_MS).toISOString()) + inflightOfUser >= this.deps.dailyCap) return 'cap';
    return undefined;
  }

  private async answer(m: SequencedMessage, userId: string, emit: (u: string, o: AiOutcome) => void): Promise<void> {
    const { roomId, entry } = m;
    const conv = `${roomId}:${userId}`;
    if (this.inflight.has(conv)) return emit(userId, { status: 'skipped', reason: 'busy' });
    this.inflight.set(conv, userId);
    // A signal per reply, tied to shutdown: the SDK leaves its listener on whatever signal
    // it is given, and one long-lived signal would collect them for ever.
    const ctl = new AbortController();
    const onClose = () => ctl.abort();
    this.abort.signal.addEventListener('abort', onClose, { once: true });
    try {
      const { db, projection } = this.deps;
      const owner = getPublicUser(db, userId)?.displayName ?? 'the recipient';
      const contents = buildContents(projection.page(roomId, m.seq + 1, CONTEXT_MESSAGES), userId);
      const request = {
        systemInstruction: systemInstruction(owner, getUserSettings(db, userId).aiAutoReply.persona),
        contents,
        maxOutputTokens: MAX_OUTPUT_TOKENS,
        signal: ctl.signal,
      };
      let text: string;
      let attempts = 0;
      try {
        text = await this.withRetry(() => (attempts++, this.deps.provider!.reply(request)));
      } catch (e) {
        this.failedAt.set(conv, Date.now());
        return emit(userId, { status: 'failed', error: e instanceof Error ? e.message : String(e), attempts });
      }
      text = text.trim().slice(0, Math.min(REPLY_CHARS, this.deps.maxTextChars));
      if (!text) {
        this.failedAt.set(conv, Date.now());
        return emit(userId, { status: 'failed', error: 'the model returned no text', attempts });
      }
      if (this.abort.signal.aborted) return emit(userId, { status: 'skipped', reason: 'closed', late: true });
      // The world may have changed while the model was thinking: ask again, and write in
      // the same turn of the event loop, so nothing can slip in between.
      this.inflight.delete(conv); // it must not count against itself
      const late = this.guard(roomId, userId, entry.authorId);
      this.inflight.set(conv, userId);
      if (late) return emit(userId, { status: 'skipped', reason: late, late: true });
      const room = getRoomRow(db, roomId)!;
      const id = newId();
      const key = messageKey(userId, id);
      try {
        await this.deps.serverWrite(roomDocName(roomId, room.live_epoch), userId, (doc) => {
          sendMessage(doc, { authorId: userId, deviceId: 'ai', id, kind: 'ai', text }, { maxTextChars: this.deps.maxTextChars });
          return [key];
        });
      } catch (e) {
        // The commit failed as a whole: the hub dropped the in-memory change too.
        return emit(userId, { status: 'failed', error: `write failed: ${String(e)}`, attempts });
      }
      this.ledger.record({ roomId, userId, messageId: id, answeredId: entry.id, createdAt: nowIso() });
      emit(userId, { status: 'replied', messageId: id });
    } finally {
      this.abort.signal.removeEventListener('abort', onClose);
      this.inflight.delete(conv);
    }
  }

  /** One try, and one more after a pause if the failure was transient. */
  private async withRetry(call: () => Promise<string>): Promise<string> {
    try {
      return await call();
    } catch (e) {
      if (!(e instanceof AiProviderError) || !e.retryable || this.abort.signal.aborted) throw e;
      const base = this.deps.retryDelayMs ?? 1000;
      this.deps.log('ai reply retry', { error: e.message });
      await new Promise((r) => setTimeout(r, base * (1 + Math.random() * 0.5)));
      if (this.abort.signal.aborted) throw e;
      return call();
    }
  }

  private emit(e: AiOutcomeEvent): void {
    const o = e.outcome;
    // Not every DM message is news: log only what concerns someone who turned the AI on.
    if (o.status === 'failed') this.deps.log('ai reply failed', { roomId: e.roomId, userId: e.userId, error: o.error, attempts: o.attempts });
    else if (o.status === 'replied') this.deps.log('ai reply sent', { roomId: e.roomId, userId: e.userId, messageId: o.messageId });
    else if (e.userId && o.reason !== 'disabled') this.deps.log('ai reply skipped', { roomId: e.roomId, userId: e.userId, reason: o.reason });
    try {
      this.onOutcome(e);
    } catch {
      // A listener's mistake must not stop the replies.
    }
  }

  private track(p: Promise<void>): void {
    this.running++;
    p.catch((e: unknown) => this.deps.log('ai reply error', { err: String((e as Error)?.stack ?? e) })).finally(() => {
      if (--this.running === 0) for (const w of this.waiters.splice(0)) w();
    });
  }
}
