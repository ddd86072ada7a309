/**
 * A refresh token a retry issued is retired, unused, when a sibling is used: coming back
 * later it is theft, never a retry (auth/sessions.ts `rotate`).
 */
export default `
ALTER TABLE refresh_tokens ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
`;
