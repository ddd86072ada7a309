/** Asserts that a response is an RFC 9457 problem+json error with the given status and code. */
import { expect } from 'vitest';
import type { ApiResponse } from './api.ts';

export function expectProblem(r: ApiResponse, status: number, code: string): void {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body).toMatchObject({ status, code });
  for (const field of ['type', 'title', 'detail', 'requestId'] as const) {
    expect(typeof r.body[field], `problem field ${field}`).toBe('string');
    expect(r.body[field].length, `problem field ${field}`).toBeGreaterThan(0);
  }
  expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
}
