import { describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import type { MessageRow, PendingAttachmentRow } from '../storage/db.ts';
import { sortKeyOf } from '../storage/sort-key.ts';
import { formatBytes, nameOf, pendingRow, sizeProblem, withPending } from './files.ts';

const ME = newId();

function pending(over: Partial<PendingAttachmentRow> = {}): PendingAttachmentRow {
  return { id: newId(), messageId: newId(), roomId: 'R', blob: new Blob(['x']), name: 'a.png', mime: 'image/png', size: 1, text: '', replyTo: null, createdAt: 5_000, error: null, ...over };
}

describe('formatBytes', () => {
  it('counts in powers of 1024, one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(4600)).toBe('4.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });
});

describe('sizeProblem', () => {
  it('refuses a file past the limit, by name, and accepts one at it', () => {
    expect(sizeProblem({ name: 'big.mov', size: 1024 * 1024 + 1 }, 1024 * 1024)).toBe('“big.mov” is too large to send (1 MB): files can be at most 1 MB.');
    expect(sizeProblem({ name: 'ok.png', size: 1024 * 1024 }, 1024 * 1024)).toBeNull();
  });
  it('leaves the check to the server while the limit is unknown', () => {
    expect(sizeProblem({ name: 'x', size: 1e12 }, null)).toBeNull();
  });
});

describe('nameOf', () => {
  it('keeps real names and names pasted images by time', () => {
    expect(nameOf(new File(['x'], 'cat.jpg', { type: 'image/jpeg' }))).toBe('cat.jpg');
    expect(nameOf(new File(['x'], 'image.png', { type: 'image/png' }), new Date('2026-03-04T05:06:07Z'))).toBe('pasted-20260304-050607.png');
  });
});

describe('pending rows', () => {
  it('show an upload as a pending image or file message of its author', () => {
    const img = pendingRow(pending({ width: 4, height: 3, text: 'look' }), ME);
    expect(img).toMatchObject({ seq: null, kind: 'image', authorId: ME, text: 'look', attachment: { name: 'a.png', width: 4, height: 3 } });
    expect(img.sortKey).toBe(sortKeyOf(null, 5_000, img.id));
    expect(pendingRow(pending({ mime: 'application/pdf', name: 'a.pdf' }), ME).kind).toBe('file');
  });

  it('merge in display order, and drop one whose message already reached the table', () => {
    const p1 = pending({ createdAt: 1_000 });
    const p2 = pending({ createdAt: 9_000 });
    const seqRow = { id: 'S', sortKey: sortKeyOf(7, 0, 'S') } as MessageRow;
    const textPending = { id: 'T', sortKey: sortKeyOf(null, 5_000, 'T') } as MessageRow;
    const written = { id: p2.messageId, sortKey: sortKeyOf(8, 0, p2.messageId) } as MessageRow;
    const merged = withPending([seqRow, written, textPending], [pendingRow(p1, ME), pendingRow(p2, ME)]);
    expect(merged.map((r) => r.id)).toEqual(['S', p2.messageId, p1.messageId, 'T']);
    expect(merged.filter((r) => r.id === p2.messageId)).toHaveLength(1);
  });
});
