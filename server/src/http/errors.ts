/**
 * The one error type of the HTTP layer: throw `AppError` anywhere below a route, and
 * `renderProblem` turns it into `application/problem+json`.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ErrorCode, PROBLEM_CONTENT_TYPE, type Problem } from '#shared/errors';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: Problem['errors']; retryAfterS?: number } = {},
  ) {
    super(detail);
  }
}

/** Shorthands for the common cases. */
export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new AppError(400, ErrorCode.badRequest, detail, { errors });
export const unauthorized = (detail = 'Authentication required', code: ErrorCode = ErrorCode.unauthorized) =>
  new AppError(401, code, detail);
export const forbidden = (detail: string, code: ErrorCode = ErrorCode.forbidden) => new AppError(403, code, detail);
export const notFound = (detail = 'Not found') => new AppError(404, ErrorCode.notFound, detail);
export const conflict = (detail: string, code: ErrorCode = ErrorCode.conflict) => new AppError(409, code, detail);
export const tooManyRequests = (retryAfterS: number) =>
  new AppError(429, ErrorCode.rateLimited, `Too many requests; retry in ${retryAfterS} s`, { retryAfterS });

/** A zod failure as a 400 with one entry per field. */
export function fromZod(error: z.ZodError, where: string): AppError {
  const errors = error.issues.map((i) => ({ path: i.path.join('.') || where, message: i.message }));
  return badRequest(`Invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}

/** Renders a problem+json response. */
export function renderProblem(c: Context, err: AppError): Response {
  const problem: Problem = {
    type: `https://parley.invalid/problems/${err.code}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    detail: err.detail,
    code: err.code,
    requestId: c.get('requestId'),
    ...(err.extra.errors ? { errors: err.extra.errors } : {}),
  };
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE };
  if (err.extra.retryAfterS !== undefined) headers['Retry-After'] = String(err.extra.retryAfterS);
  return new Response(JSON.stringify(problem), { status: err.status, headers });
}
