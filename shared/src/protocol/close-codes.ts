/**
 * WebSocket close codes for fatal errors on `/sync`. The client does not retry these
 * (it goes to the login screen or tells the user to update); any other close is "offline"
 * and retried with backoff.
 */
export const CloseCode = {
  /** The token was missing, malformed, tampered with or expired at connect. */
  unauthorized: 4001,
  /** The session was revoked (signed out from another device). */
  sessionRevoked: 4002,
  /** The client speaks another protocol version. */
  protocolVersion: 4003,
  /** No `auth` frame arrived in time. */
  authTimeout: 4004,
  /** The socket sent too many refused or malformed frames. */
  tooManyErrors: 4005,
  /** Not a fatal close: the server is shutting down; retry. */
  serverRestart: 4100,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Named reasons, sent as the close frame's reason text. */
export const CloseReason: Record<CloseCode, string> = {
  4001: 'unauthorized',
  4002: 'session-revoked',
  4003: 'protocol-version',
  4004: 'auth-timeout',
  4005: 'too-many-errors',
  4100: 'server-restart',
};

/** True for the codes after which a client must not reconnect on its own. */
export const isFatalClose = (code: number): boolean => code >= 4000 && code < 4100;
