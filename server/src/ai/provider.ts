/**
 * The seam between the auto-reply and a language model: one request in, one reply text
 * out. The Gemini SDK lives behind it in `gemini.ts`; tests and other providers plug in
 * here without touching the trigger or its guards.
 */

/** One turn of the conversation the model sees, oldest first. */
export interface AiTurn {
  /** `user`: the person writing in; `model`: the person the AI answers for. */
  role: 'user' | 'model';
  /** One or more consecutive messages of that side. */
  texts: string[];
}

/** What the provider is asked to answer. */
export interface AiRequest {
  systemInstruction: string;
  contents: AiTurn[];
  maxOutputTokens: number;
  /** Aborts the request (server shutting down). */
  signal?: AbortSignal;
}

/** A language model that writes one reply. */
export interface AiProvider {
  /**
   * Resolves with the reply text (may be empty: the model said nothing usable).
   * @throws AiProviderError when the request failed; `retryable` says whether one more try may help.
   */
  reply(req: AiRequest): Promise<string>;
}

/** A failed provider request, classified for the retry policy. */
export class AiProviderError extends Error {
  constructor(
    message: string,
    /** Time-outs, 429, 5xx and network errors: another attempt may succeed. */
    readonly retryable: boolean,
    /** The HTTP status, when there was a response. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}
