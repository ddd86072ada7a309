/** Builds the auto-reply from the configuration: Gemini when a key is set, otherwise nothing answers. */
import type { Config } from '../config.ts';
import { AutoReplier, type AutoReplyDeps } from './auto-reply.ts';
import { GeminiProvider } from './gemini.ts';

export { AutoReplier } from './auto-reply.ts';
export type { AiOutcome, AiOutcomeEvent, AiSkipReason } from './auto-reply.ts';

export function createAutoReplier(config: Config, deps: Omit<AutoReplyDeps, 'provider' | 'graceMs' | 'intervalMs' | 'dailyCap' | 'maxTextChars'>): AutoReplier {
  const { apiKey, model, baseUrl } = config.gemini;
  return new AutoReplier({
    ...deps,
    provider: apiKey ? new GeminiProvider({ apiKey, model, baseUrl, timeoutMs: config.aiTimeoutS * 1000 }) : undefined,
    graceMs: config.aiOfflineGraceS * 1000,
    intervalMs: config.aiReplyIntervalS * 1000,
    dailyCap: config.aiDailyCap,
    maxTextChars: config.maxTextChars,
  });
}
