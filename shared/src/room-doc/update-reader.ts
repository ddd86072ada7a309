/**
 * A strict reader of Yjs V1 updates for the validator: it mirrors the reader yjs 13.6.33
 * applies updates with (`readClientsStructRefs`, `readDeleteSet`), keeps only what the
 * validator needs, refuses what a Parley document never holds, and checks that the
 * bytes end where the update ends (V2 bytes or trailing garbage are refused).
 */
import * as decoding from 'lib0/decoding';

/** A Yjs id: (clientID, clock). */
export interface RawId {
  client: number;
  clock: number;
}

/** Struct kinds, as the first five bits of the info byte tell them. */
export const StructType = { item: 0, gc: 1, skip: 2 } as const;
export type StructType = (typeof StructType)[keyof typeof StructType];

/** One decoded struct, with its absolute clock. */
export interface RawStruct {
  type: StructType;
  clock: number;
  length: number;
  /** The id this item was inserted after (for a map entry: the value it overwrote). */
  origin: RawId | null;
  /** The root named as parent; only written when the item has no origin. */
  parentName: string | null;
  /** The map key; only written when the item has no origin. */
  parentSub: string | null;
  /** ContentDeleted: values written and overwritten before this update was made. */
  deleted: boolean;
  /** ContentAny values (`null` for deleted content, GC and Skip). */
  values: unknown[] | null;
}

/** The structs of one client, in clock order. */
export interface RawSection {
  client: number;
  structs: RawStruct[];
}

/** A decoded update: struct sections and the delete set (client → [clock, length] pairs). */
export interface RawUpdate {
  sections: RawSection[];
  deletes: Map<number, number[]>;
}

/** Why bytes were not accepted as an update (always rule 1: not plain JSON map entries). */
export class UpdateFormatError extends Error {
  override name = 'UpdateFormatError';
}

const BITS5 = 31;
const BIT6 = 32; // parentSub present
const BIT7 = 64; // right origin present
const BIT8 = 128; // origin present
const CONTENT_DELETED = 1;
const CONTENT_ANY = 8;
const SKIP = 10;
const CONTENT_NAMES = ['GC', 'Deleted', 'JSON', 'Binary', 'String', 'Embed', 'Format', 'Type', 'Any', 'Doc', 'Skip'];

/**
 * Decodes a V1 update.
 * @throws UpdateFormatError for anything Parley refuses at the format level: a right
 *   origin, a parent given by id (a nested type), content other than JSON values or
 *   deleted content, a clock past 2^53, or bytes left over.
 * @throws Error (from lib0) on truncated bytes.
 */
export function readUpdateV1(update: Uint8Array): RawUpdate {
  const d = decoding.createDecoder(update);
  const sections: RawSection[] = [];
  const numSections = decoding.readVarUint(d);
  for (let s = 0; s < numSections; s++) {
    const numStructs = decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    let clock = decoding.readVarUint(d);
    // Bounded by the bytes: every struct takes at least one, so a huge count runs out first.
    const structs: RawStruct[] = [];
    for (let i = 0; i < numStructs; i++) {
      const struct = readStruct(d, clock);
      structs.push(struct);
      clock += struct.length;
      if (!Number.isSafeInteger(clock)) throw new UpdateFormatError('clock out of range');
    }
    sections.push({ client, structs });
  }
  const deletes = new Map<number, number[]>();
  const numDeleteClients = decoding.readVarUint(d);
  for (let c = 0; c < numDeleteClients; c++) {
    const client = decoding.readVarUint(d);
    const n = decoding.readVarUint(d);
    let ranges = deletes.get(client);
    if (!ranges) deletes.set(client, (ranges = []));
    for (let i = 0; i < n; i++) {
      const clock = decoding.readVarUint(d);
      const len = decoding.readVarUint(d);
      if (!Number.isSafeInteger(clock + len)) throw new UpdateFormatError('delete range out of range');
      ranges.push(clock, len);
    }
  }
  if (d.pos !== update.length) throw new UpdateFormatError('bytes after the end of the update (not a V1 update?)');
  return { sections, deletes };
}

function readStruct(d: decoding.Decoder, clock: number): RawStruct {
  const info = decoding.readUint8(d);
  const ref = info & BITS5;
  if (ref === 0 || ref === SKIP) {
    const length = decoding.readVarUint(d);
    if (length === 0) throw new UpdateFormatError('empty struct');
    return { type: ref === 0 ? StructType.gc : StructType.skip, clock, length, origin: null, parentName: null, parentSub: null, deleted: false, values: null };
  }
  const origin = (info & BIT8) !== 0 ? { client: decoding.readVarUint(d), clock: decoding.readVarUint(d) } : null;
  // Map entries never have a right origin; only list insertions do.
  if ((info & BIT7) !== 0) throw new UpdateFormatError('an item with a right origin (not a map entry)');
  let parentName: string | null = null;
  let parentSub: string | null = null;
  if (origin === null) {
    if (decoding.readVarUint(d) !== 1) throw new UpdateFormatError('a parent given by id (a nested type)');
    parentName = decoding.readVarString(d);
    if ((info & BIT6) !== 0) parentSub = decoding.readVarString(d);
  }
  if (ref === CONTENT_DELETED) {
    const length = decoding.readVarUint(d);
    if (length === 0) throw new UpdateFormatError('empty struct');
    return { type: StructType.item, clock, length, origin, parentName, parentSub, deleted: true, values: null };
  }
  if (ref !== CONTENT_ANY) throw new UpdateFormatError(`content ${CONTENT_NAMES[ref] ?? ref} is not a JSON value`);
  const length = decoding.readVarUint(d);
  if (length === 0) throw new UpdateFormatError('empty struct');
  const values: unknown[] = [];
  for (let i = 0; i < length; i++) values.push(decoding.readAny(d));
  return { type: StructType.item, clock, length, origin, parentName, parentSub, deleted: false, values };
}
