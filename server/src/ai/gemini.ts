/**
 * The {@link AiProvider} over Google's Gen AI SDK (`@google/genai` 2.x, DESIGN §9).
 * The SDK's own retries are left off: the auto-reply retries once itself, so a failure
 * costs at most two requests whatever the SDK's defaults are.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { AiProviderError, type AiProvider, type AiRequest } from './provider.ts';

export interface GeminiOptions {
  apiKey: string;
  model: string;
  /** The SDK's `httpOptions.baseUrl` (tests point it at a local stand-in). */
  baseUrl?: string;
  /** Deadline of one request, in milliseconds. */
  timeoutMs: number;
}

/** Statuses worth one more attempt: rate limited, or the service failed. */
const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export class GeminiProvider implements AiProvider {
  private readonly ai: GoogleGenAI;

  constructor(private readonly opts: GeminiOptions) {
    this.ai = new GoogleGenAI({
      apiKey: opts.apiKey,
      httpOptions: { timeout: opts.timeoutMs, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) },
    });
  }

  async reply(req: AiRequest): Promise<string> {
    try {
      const res = await this.ai.models.generateContent({
        model: this.opts.model,
        contents: req.contents.map((t) => ({ role: t.role, parts: t.texts.map((text) => ({ text })) })),
        config: {
          systemInstruction: req.systemInstruction,
          maxOutputTokens: req.maxOutputTokens,
          candidateCount: 1,
          ...(req.signal ? { abortSignal: req.signal } : {}),
        },
      });
      return res.text ?? '';
    } catch (e) {
      throw classify(e, req.signal);
    }
  }
}

function classify(e: unknown, signal: AbortSignal | undefined): AiProviderError {
  if (e instanceof ApiError) return new AiProviderError(`Gemini answered ${e.status}: ${e.message.slice(0, 300)}`, isRetryableStatus(e.status), e.status);
  const name = e instanceof Error ? e.name : '';
  if (signal?.aborted) return new AiProviderError('Gemini request aborted', false);
  if (name === 'AbortError' || name === 'TimeoutError') return new AiProviderError('Gemini request timed out', true);
  // fetch failures (connection refused, reset) surface as TypeError: transient.
  if (e instanceof TypeError) return new AiProviderError(`Gemini unreachable: ${e.message}`, true);
  return new AiProviderError(`Gemini request failed: ${String(e)}`, false);
}
