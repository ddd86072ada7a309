import { describe, expect, it } from 'vitest';
import { RegisterBody } from '#shared/api/users';
import { check, problemFieldErrors } from './validation.ts';

describe('check', () => {
  it('returns the parsed data of valid input', () => {
    expect(check(RegisterBody, { username: 'Ann_1', password: 'long enough', displayName: ' Ann ' })).toEqual({
      ok: true,
      data: { username: 'ann_1', password: 'long enough', displayName: 'Ann' },
    });
  });

  it('returns the first message per field, as a sentence', () => {
    const r = check(RegisterBody, { username: 'a!', password: 'short', displayName: '' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.password).toBe('At least 8 characters');
    expect(r.errors.displayName).toBe('Required');
    expect(r.errors.username).toMatch(/^At least 3 characters$/);
  });
});

describe('problemFieldErrors', () => {
  it('maps problem paths to top-level field names', () => {
    expect(
      problemFieldErrors({
        type: 'about:blank',
        title: 'Bad request',
        status: 400,
        detail: 'Invalid body',
        code: 'bad_request',
        errors: [
          { path: 'username', message: 'too short' },
          { path: '/memberIds/3', message: 'bad id' },
          { path: 'body.name', message: 'required' },
        ],
      }),
    ).toEqual({ username: 'Too short', memberIds: 'Bad id', name: 'Required' });
  });
});
