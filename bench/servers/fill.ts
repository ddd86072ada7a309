/** Seeding: writes `count` valid messages with marker ids into a room document. */
import type * as Y from 'yjs';
import { sendMessage } from '#shared/room-doc/ops';
import { markerId, MESSAGE_TEXT } from '../lib/encode.ts';

export interface FillArg {
  docName: string;
  /** Authors, taken in turn. */
  authors: string[];
  prefix: string;
  count: number;
  /** Index of the first message (markers are prefix + index). */
  start?: number;
}

/** Writes the messages in transactions of `batch`; `each` gets the keys of one batch. */
export function fillDoc(doc: Y.Doc, arg: FillArg, batch: number, each?: (keys: string[]) => void): void {
  const start = arg.start ?? 0;
  for (let b = 0; b < arg.count; b += batch) {
    const keys: string[] = [];
    doc.transact(() => {
      for (let i = b; i < Math.min(arg.count, b + batch); i++) {
        const authorId = arg.authors[i % arg.authors.length]!;
        const id = markerId(arg.prefix, start + i);
        sendMessage(doc, { authorId, deviceId: 'seed', id, text: MESSAGE_TEXT, createdAt: Date.now() });
        keys.push(`${authorId}:${id}`);
      }
    });
    each?.(keys);
  }
}
