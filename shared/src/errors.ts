/**
 * Error codes shared by the server (which sends them in problem+json bodies and `error`
 * control messages) and the client (which decides what to show from them).
 */
export const ErrorCode = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  invalidCredentials: 'invalid_credentials',
  tokenExpired: 'token_expired',
  sessionRevoked: 'session_revoked',
  forbidden: 'forbidden',
  blocked: 'blocked',
  notFound: 'not_found',
  conflict: 'conflict',
  usernameTaken: 'username_taken',
  payloadTooLarge: 'payload_too_large',
  rateLimited: 'rate_limited',
  editWindowPassed: 'edit_window_passed',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** RFC 9457 problem details, as every error response of `/api` carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable, machine-readable; one of {@link ErrorCode}. */
  code: ErrorCode;
  /** The request id (also in the `X-Request-Id` header), for matching logs. */
  requestId?: string;
  /** Per-field validation messages, for 400s. */
  errors?: { path: string; message: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
