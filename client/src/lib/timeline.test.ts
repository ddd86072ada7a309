import { describe, expect, it } from 'vitest';
import { buildTimeline } from './timeline.ts';
import type { MessageRow } from '../storage/db.ts';

const row = (id: string, authorId: string, createdAt: Date): MessageRow => ({
  id,
  roomId: 'R',
  key: `${authorId}:${id}`,
  sortKey: id,
  seq: null,
  epoch: 0,
  authorId,
  kind: 'text',
  text: id,
  replyTo: null,
  createdAt: createdAt.getTime(),
  editedAt: null,
  deleted: false,
  deletedBy: null,
});

describe('buildTimeline', () => {
  it('puts a day separator before the first message of each day and groups runs by author', () => {
    const now = new Date(2026, 2, 10, 12, 0);
    const items = buildTimeline(
      [
        row('a', 'ann', new Date(2026, 2, 9, 23, 58)),
        row('b', 'ann', new Date(2026, 2, 10, 0, 1)),
        row('c', 'ann', new Date(2026, 2, 10, 0, 2)),
        row('d', 'ben', new Date(2026, 2, 10, 0, 3)),
      ],
      now,
    );
    expect(items.map((i) => (i.kind === 'day' ? `[${i.label}]` : `${i.row.id}${i.firstOfGroup ? '*' : ''}`))).toEqual([
      '[Yesterday]',
      'a*',
      '[Today]',
      'b*',
      'c',
      'd*',
    ]);
  });
});
