/** The Hono environment every route shares: what middleware puts on the context. */
import type { SessionId, UserId } from '#shared/ids';

export interface AuthContext {
  userId: UserId;
  sessionId: SessionId;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by `requireAuth`. */
    auth: AuthContext;
  };
}
