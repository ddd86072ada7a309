/**
 * The connection banner (DESIGN §8): its text is exactly `offline`, `connecting`,
 * `syncing` or `up to date`, for people, screen readers and tests alike. When all is well
 * it stays out of sight but is still read out.
 */
import { useSync } from '../stores/context.tsx';

const LABEL = { offline: 'offline', connecting: 'connecting', syncing: 'syncing', 'up-to-date': 'up to date' } as const;

export function ConnectionBanner() {
  const sync = useSync();
  return (
    <div class="conn-banner" data-state={sync.state()} classList={{ 'sr-only': sync.state() === 'up-to-date' }} role="status" aria-label={LABEL[sync.state()]}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-text">{LABEL[sync.state()]}</span>
    </div>
  );
}
