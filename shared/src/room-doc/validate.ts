/**
 * The server's judge of one incoming update (DESIGN §5): rules 1, 2, 3, 4, 7 and 8 for
 * Yjs updates and rule 6 for awareness states; rule 5 (membership, blocks, who may post)
 * is the hub's. It judges only what is new to the server, reads the server's document
 * without changing it, costs time in proportion to the update (not to the document) and
 * never throws. Contract: validate, then apply the same V1 bytes with no `await` in
 * between, and bind `newBindings` only when the verdict is ok.
 *
 * Relies on yjs 13.6.33 internals (pinned): `doc.store`, `Item.parent/parentSub/origin`,
 * `YMap._map`, `getItem` (only after `getState` says the id exists, else it throws).
 */
import * as Y from 'yjs';
import { AwarenessStateSchema } from './schema.ts';
import { Refusal, checkKey, checkKeyOutcome, checkMessageValue, checkPlainValue, serverMessage, type KeyWrite } from './entry-rules.ts';
import { StructType, readUpdateV1, type RawId, type RawStruct } from './update-reader.ts';

/** What the hub knows about the connection and the limits in force. */
export interface ValidationContext {
  /** The connection's user. */
  userId: string;
  docKind: 'room' | 'user';
  /** Server time, ms since the epoch. */
  now: number;
  editWindowMs: number;
  maxTextChars: number;
  maxUpdateBytes: number;
  /** This document's clientID → userId bindings (the server's own clientID included). */
  bindings: ReadonlyMap<number, string>;
  /** How far in the future a device's clock may be (default 10 minutes). */
  maxClockSkewMs?: number;
}

/** A new message of the update; the server gives them seqs in this order. */
export interface NewMessage {
  key: string;
  client: number;
  clock: number;
}

/** The judgement of one update. */
export type Verdict =
  | {
      ok: true;
      /** ClientIDs used for the first time in this document: bind them to the user once applied. */
      newBindings: number[];
      /** Inserts of message keys the document did not have, sorted by (client, clock). */
      newMessages: NewMessage[];
    }
  | { ok: false; rule: number; reason: string };

const ROOM_ROOTS: ReadonlySet<string> = new Set(['messages', 'receipts']);
const USER_ROOTS: ReadonlySet<string> = new Set(['reads', 'prefs']);
const DEFAULT_CLOCK_SKEW_MS = 10 * 60_000;

/** A struct (or the tail of one) that the server doesn't have yet. */
interface NewStruct {
  client: number;
  clock: number;
  length: number;
  /** Position in its client's list of new structs. */
  index: number;
  raw: RawStruct;
  /** Partly known to the server: Yjs integrates it after the server's last clock of this client. */
  partial: boolean;
  values: unknown[] | null;
  /** 0 unvisited, 1 being resolved, 2 resolved. */
  mark: 0 | 1 | 2;
  root: string;
  key: string;
  /** Its last clock is in the update's delete set. */
  lastDeleted: boolean;
}

interface ClientNews {
  serverClock: number;
  news: NewStruct[];
}

/**
 * Judges one V1 update from `ctx.userId` against the server's document `doc`.
 * @example
 * const v = validateUpdate(doc, update, ctx);
 * if (v.ok) { Y.applyUpdate(doc, update); for (const c of v.newBindings) bindings.set(c, userId); }
 */
export function validateUpdate(doc: Y.Doc, update: Uint8Array, ctx: ValidationContext): Verdict {
  if (!(update instanceof Uint8Array)) return { ok: false, rule: 1, reason: 'not an update' };
  if (update.byteLength > ctx.maxUpdateBytes) return { ok: false, rule: 2, reason: `update of ${update.byteLength} bytes is over the limit` };
  try {
    return new Judge(doc, ctx).run(update);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, rule: e.rule, reason: e.message };
    // Truncated bytes, absurd lengths, deep nesting: all of it is a malformed update.
    return { ok: false, rule: 1, reason: `malformed update: ${e instanceof Error ? e.message : String(e)}` };
  }
}

class Judge {
  private readonly store: Y.Doc['store'];
  private readonly rootNames = new Map<unknown, string>();
  private readonly writable: ReadonlySet<string>;
  private readonly clients = new Map<number, ClientNews>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly ctx: ValidationContext,
  ) {
    this.store = doc.store;
    for (const [name, type] of doc.share) this.rootNames.set(type, name);
    this.writable = ctx.docKind === 'room' ? ROOM_ROOTS : USER_ROOTS;
  }

  run(update: Uint8Array): Verdict {
    const raw = readUpdateV1(update);
    const known: RawStruct[] = [];
    const knownClients: number[] = [];
    for (const section of raw.sections) {
      if (this.clients.has(section.client)) throw new Refusal(1, `client ${section.client} appears twice`);
      const news = this.splitSection(section.client, section.structs, known, knownClients);
      this.clients.set(section.client, news);
    }
    const newBindings = this.checkBindings();
    for (let i = 0; i < known.length; i++) this.checkKnownDependencies(known[i]!, knownClients[i]!);
    for (const { news } of this.clients.values()) for (const n of news) this.resolve(n);
    const byKey = new Map<string, NewStruct[]>();
    for (const { news } of this.clients.values()) {
      for (const n of news) this.judgeStruct(n, byKey);
    }
    const dsHits = this.judgeDeletes(raw.deletes);
    const newMessages = this.ctx.docKind === 'room' ? this.judgeMessages(byKey, dsHits) : [];
    return { ok: true, newBindings, newMessages };
  }

  /** Separates what the server has (skipped, dependencies checked later) from what is new. */
  private splitSection(client: number, structs: RawStruct[], known: RawStruct[], knownClients: number[]): ClientNews {
    const serverClock = Y.getState(this.store, client);
    const news: NewStruct[] = [];
    for (const s of structs) {
      const end = s.clock + s.length;
      if (end <= serverClock) {
        if (s.type === StructType.item) {
          known.push(s);
          knownClients.push(client);
        }
        continue;
      }
      if (s.clock > serverClock && news.length === 0) throw new Refusal(7, `client ${client} starts at ${s.clock}, the server has ${serverClock}`);
      if (s.type === StructType.skip) throw new Refusal(7, `a gap in client ${client}`);
      if (s.type === StructType.gc) throw new Refusal(1, 'a GC struct in the new part');
      const offset = Math.max(0, serverClock - s.clock);
      news.push({
        client,
        clock: s.clock + offset,
        length: s.length - offset,
        index: news.length,
        raw: s,
        partial: offset > 0,
        values: s.values && offset > 0 ? s.values.slice(offset) : s.values,
        mark: 0,
        root: '',
        key: '',
        lastDeleted: false,
      });
    }
    return { serverClock, news };
  }

  /** Rule 4: every clientID that adds structs is this user's, or new to the document. */
  private checkBindings(): number[] {
    const fresh: number[] = [];
    for (const [client, { serverClock, news }] of this.clients) {
      if (news.length === 0) continue;
      const owner = this.ctx.bindings.get(client);
      if (owner === this.ctx.userId) continue;
      if (owner !== undefined) throw new Refusal(4, `clientID ${client} is bound to another user`);
      // Clocks without a binding: the bindings were lost; refuse rather than guess the owner.
      if (serverClock > 0) throw new Refusal(4, `clientID ${client} is already used in this document`);
      fresh.push(client);
    }
    return fresh.sort((a, b) => a - b);
  }

  /** Rule 7 for structs the server has: Yjs still looks their origin up when applying. */
  private checkKnownDependencies(s: RawStruct, client: number): void {
    if (s.origin) {
      if (!this.exists(s.origin)) throw new Refusal(7, `a struct of client ${client} depends on ${s.origin.client}:${s.origin.clock}, which the server lacks`);
    } else if (s.parentName !== null && !this.doc.share.has(s.parentName) && !this.writable.has(s.parentName)) {
      // Applying would create this root in the server's document.
      throw new Refusal(1, `unknown root ${s.parentName}`);
    }
  }

  private exists(id: RawId): boolean {
    if (id.clock < Y.getState(this.store, id.client)) return true;
    return this.findNew(id) !== undefined;
  }

  private findNew(id: RawId): NewStruct | undefined {
    const c = this.clients.get(id.client);
    if (!c || id.clock < c.serverClock) return undefined;
    const news = c.news;
    let lo = 0;
    let hi = news.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = news[mid]!;
      if (id.clock < n.clock) hi = mid - 1;
      else if (id.clock >= n.clock + n.length) lo = mid + 1;
      else return n;
    }
    return undefined;
  }

  /**
   * Finds the root and key of each new struct, through the server's document or earlier
   * structs of the update, in an order Yjs could integrate them in: a struct waits for the
   * struct before it in its client and for its origin. A cycle would leave the update
   * pending in Yjs for ever (rule 7). Iterative, so long chains don't overflow the stack.
   */
  private resolve(first: NewStruct): void {
    if (first.mark === 2) return;
    const stack: NewStruct[] = [first];
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      if (n.mark === 2) {
        stack.pop();
        continue;
      }
      n.mark = 1;
      const prev = n.index > 0 ? this.clients.get(n.client)!.news[n.index - 1]! : null;
      const dep = prev && prev.mark !== 2 ? prev : this.originDependency(n);
      if (dep && dep.mark !== 2) {
        if (dep.mark === 1) throw new Refusal(7, 'structs that depend on each other in a cycle');
        stack.push(dep);
        continue;
      }
      this.place(n, dep);
      n.mark = 2;
      stack.pop();
    }
  }

  /** The new struct `n`'s origin lies in, or null when it is on the server (or absent). */
  private originDependency(n: NewStruct): NewStruct | null {
    const o = n.raw.origin;
    if (!o) return null;
    if (o.client === n.client && o.clock >= n.raw.clock) throw new Refusal(7, `a struct of client ${n.client} names a later clock as its origin`);
    if (o.clock < Y.getState(this.store, o.client)) return null;
    const dep = this.findNew(o);
    if (!dep) throw new Refusal(7, `a struct depends on ${o.client}:${o.clock}, which the server lacks`);
    return dep;
  }

  private place(n: NewStruct, dep: NewStruct | null): void {
    const raw = n.raw;
    if (!raw.origin) {
      if (raw.parentSub === null) throw new Refusal(1, `an insert into root ${raw.parentName} that is not a map entry`);
      n.root = raw.parentName!;
      n.key = raw.parentSub;
    } else if (dep) {
      n.root = dep.root;
      n.key = dep.key;
    } else {
      [n.root, n.key] = this.serverKeyOf(raw.origin);
    }
    if (n.partial) {
      // Yjs puts the tail after the server's last item of this client, keeping the parent
      // and key it read from the head: both must be the same entry.
      const [root, key] = this.serverKeyOf({ client: n.client, clock: n.clock - 1 });
      if (root !== n.root || key !== n.key) throw new Refusal(1, 'a partly known struct that changes its key');
    }
  }

  /** Root and key of a server item that exists (checked by the caller). */
  private serverKeyOf(id: RawId): [string, string] {
    const item = Y.getItem(this.store, Y.createID(id.client, id.clock));
    if (!(item instanceof Y.Item)) throw new Refusal(1, 'an origin in garbage-collected content');
    const root = this.rootNames.get(item.parent);
    if (root === undefined || item.parentSub === null) throw new Refusal(1, 'an origin that is not a root map entry');
    return [root, item.parentSub];
  }

  /** Rules 1 and 2 for one new struct; message structs are grouped by key for rule 8. */
  private judgeStruct(n: NewStruct, byKey: Map<string, NewStruct[]>): void {
    if (!this.writable.has(n.root)) {
      throw new Refusal(1, n.root === 'order' ? '`order` is written by the server alone' : `root ${n.root} is not writable`);
    }
    checkKey(n.root, n.key, this.ctx.userId);
    if (n.root === 'messages') {
      const group = byKey.get(n.key);
      if (group) group.push(n);
      else byKey.set(n.key, [n]);
    } else if (n.values) {
      for (const v of n.values) checkPlainValue(n.root, n.key, v);
    }
  }

  /**
   * Rules 3 and 7 for the delete set: what it deletes must exist (on the server or in
   * the update) and, when not deleted yet, be the user's own entry. Returns the message
   * keys whose current server value it deletes (rule 8 wants a replacement for those).
   */
  private judgeDeletes(deletes: Map<number, number[]>): Map<string, Y.Item> {
    const hits = new Map<string, Y.Item>();
    for (const [client, flat] of deletes) {
      const serverClock = Y.getState(this.store, client);
      const c = this.clients.get(client);
      const end = c && c.news.length > 0 ? c.news[c.news.length - 1]!.clock + c.news[c.news.length - 1]!.length : serverClock;
      for (const [clock, len] of mergeRanges(flat)) {
        const rangeEnd = clock + len;
        if (rangeEnd > end) throw new Refusal(7, `deletes ${client}:${clock}+${len}, which the server lacks`);
        if (clock < serverClock) this.judgeServerDeletes(client, clock, Math.min(rangeEnd, serverClock), hits);
        if (rangeEnd > serverClock && c) {
          const news = c.news;
          for (let i = firstEndingAtOrAfter(news, clock); i < news.length; i++) {
            const n = news[i]!;
            const last = n.clock + n.length - 1;
            if (last >= rangeEnd) break;
            n.lastDeleted = true;
          }
        }
      }
    }
    return hits;
  }

  private judgeServerDeletes(client: number, from: number, to: number, hits: Map<string, Y.Item>): void {
    const structs = this.store.clients.get(client)!;
    for (let i = Y.findIndexSS(structs, from); i < structs.length && structs[i]!.id.clock < to; i++) {
      const s = structs[i]!;
      if (s.deleted || !(s instanceof Y.Item)) continue; // already deleted: skipped
      const root = this.rootNames.get(s.parent);
      if (root === undefined || s.parentSub === null || !this.writable.has(root)) throw new Refusal(3, 'deletes something that is not an own entry');
      try {
        checkKey(root, s.parentSub, this.ctx.userId);
      } catch {
        throw new Refusal(3, `deletes ${root} entry ${s.parentSub} of another user`);
      }
      if (root === 'messages') hits.set(s.parentSub, s);
    }
  }

  /** Rules 2 and 8 per message key; returns the keys that are new to the document. */
  private judgeMessages(byKey: Map<string, NewStruct[]>, dsHits: Map<string, Y.Item>): NewMessage[] {
    const map = this.doc.share.get('messages');
    const current = (key: string): Y.Item | undefined => map?._map.get(key);
    const fresh: NewMessage[] = [];
    for (const [key, group] of byKey) {
      const server = serverMessage(current(key));
      if (server.state === 'final') throw new Refusal(8, `write to ${key}: ${server.why}`);
      for (const n of group) if (n.values) for (const v of n.values) checkMessageValue(key, v, server, this.ruleContext());
      const hit = dsHits.get(key);
      const writes: KeyWrite[] = group.map((n) => ({
        client: n.client,
        clock: n.clock,
        length: n.length,
        origin: n.partial ? { client: n.client, clock: n.clock - 1 } : n.raw.origin,
        gone: n.raw.deleted || n.lastDeleted,
      }));
      checkKeyOutcome(this.doc, key, writes, server, hit !== undefined && server.state === 'live' && hit === server.item);
      if (server.state === 'absent') {
        let first = group[0]!;
        for (const n of group) if (n.client < first.client || (n.client === first.client && n.clock < first.clock)) first = n;
        fresh.push({ key, client: first.client, clock: first.clock });
      }
    }
    for (const [key, item] of dsHits) {
      if (byKey.has(key)) continue;
      const server = serverMessage(current(key));
      if (server.state !== 'live' || server.item === item) throw new Refusal(8, `${key} deleted without a replacement`);
    }
    return fresh.sort((a, b) => a.client - b.client || a.clock - b.clock);
  }

  private ruleCtx: Parameters<typeof checkMessageValue>[3] | undefined;
  private ruleContext(): Parameters<typeof checkMessageValue>[3] {
    return (this.ruleCtx ??= {
      userId: this.ctx.userId,
      now: this.ctx.now,
      editWindowMs: this.ctx.editWindowMs,
      maxTextChars: this.ctx.maxTextChars,
      maxClockSkewMs: this.ctx.maxClockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
    });
  }
}

/** Index of the first new struct whose last clock is at or after `clock`. */
function firstEndingAtOrAfter(news: readonly NewStruct[], clock: number): number {
  let lo = 0;
  let hi = news.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const n = news[mid]!;
    if (n.clock + n.length - 1 < clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted, merged [clock, length] ranges from a flat list (a delete set need not be sorted). */
function mergeRanges(flat: number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i + 1]! > 0) ranges.push([flat[i]!, flat[i + 1]!]);
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[0] + last[1]) last[1] = Math.max(last[1], r[0] + r[1] - last[0]);
    else out.push(r);
  }
  return out;
}

/**
 * Rule 6: an awareness state must name the connection's own user. The empty state `{}`
 * (what the stock provider starts with) is accepted and not relayed. A removal (`null`)
 * is the hub's to handle: it knows which awareness clientIDs the connection owns.
 */
export function validateAwareness(state: unknown, userId: string): { ok: true; relay: boolean } | { ok: false; reason: string } {
  if (typeof state === 'object' && state !== null && !Array.isArray(state) && Object.keys(state).length === 0) return { ok: true, relay: false };
  const r = AwarenessStateSchema.safeParse(state);
  if (!r.success) return { ok: false, reason: `bad awareness state: ${r.error.issues[0]?.message ?? 'invalid'}` };
  if (r.data.user.id !== userId) return { ok: false, reason: 'awareness state names another user' };
  return { ok: true, relay: true };
}
