/** `GET /api/config`: the limits the app checks before it sends. */
export interface PublicConfig {
  limits: {
    maxUploadBytes: number;
    maxTextChars: number;
    maxUpdateBytes: number;
    editWindowSeconds: number;
    /** Messages per minute per connection/user. */
    messagesPerMinute: number;
    loginAttemptsPerMinute: number;
  };
  ai: { available: boolean };
  protocolVersion: number;
}
