import { describe, expect, it } from 'vitest';
import { contentDisposition, etagMatches, parseRange } from './http.ts';

describe('parseRange', () => {
  it('reads single ranges, open and suffix ones, clamped to the size', () => {
    expect(parseRange('bytes=0-9', 20)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=10-', 20)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=-5', 20)).toEqual({ start: 15, end: 19 });
    expect(parseRange('bytes=-50', 20)).toEqual({ start: 0, end: 19 });
    expect(parseRange('bytes=5-500', 20)).toEqual({ start: 5, end: 19 });
  });
  it('is unsatisfiable past the end or for an empty suffix', () => {
    expect(parseRange('bytes=20-', 20)).toBe('unsatisfiable');
    expect(parseRange('bytes=25-30', 20)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 20)).toBe('unsatisfiable');
  });
  it('ignores what it does not serve: none, other units, malformed, reversed, multiple', () => {
    for (const h of [undefined, '', 'items=0-1', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=9-3', 'bytes=0-1,4-5']) {
      expect(parseRange(h, 20)).toBeUndefined();
    }
  });
});

describe('etagMatches', () => {
  it('matches lists, weak tags and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagMatches('W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
    expect(etagMatches(undefined, '"b"')).toBe(false);
  });
});

describe('contentDisposition', () => {
  it('keeps the name in filename* and nothing header-breaking in the fallback', () => {
    expect(contentDisposition('attachment', 'a "b";\r\n.txt')).toBe(
      `attachment; filename="a _b____.txt"; filename*=UTF-8''a%20%22b%22%3B%0D%0A.txt`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
  });
});
