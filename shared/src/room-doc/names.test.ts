import { describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import { parseDocName, roomDocName, userDocName } from './names.ts';

describe('document names', () => {
  it('round-trips room and user names', () => {
    const roomId = newId();
    const userId = newId();
    expect(roomDocName(roomId, 0)).toBe(`room:${roomId}:0`);
    expect(parseDocName(roomDocName(roomId, 12))).toEqual({ kind: 'room', roomId, epoch: 12 });
    expect(parseDocName(userDocName(userId))).toEqual({ kind: 'user', userId });
  });

  it('is strict', () => {
    const id = newId();
    for (const bad of [`room:${id}`, `room:${id}:-1`, `room:${id}:01`, `room:${id}:1.5`, `room:abc:0`, `user:${id}:0`, `user:${id.toLowerCase()}`, `room:${id}:0 `, '', 'user:']) {
      expect(parseDocName(bad)).toBeNull();
    }
    expect(() => roomDocName(id, -1)).toThrow(RangeError);
  });
});
