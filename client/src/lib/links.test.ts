import { describe, expect, it } from 'vitest';
import { splitLinks } from './links.ts';

describe('splitLinks', () => {
  it('finds http(s) links and leaves the rest as text', () => {
    expect(splitLinks('see https://example.com/a?b=1, then stop.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', then stop.' },
    ]);
  });

  it('never links other schemes and keeps markup as plain text', () => {
    const text = 'javascript:alert(1) <img src=x onerror=alert(1)> data:text/html,hi';
    expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
  });
});
