/**
 * Settings: the two privacy switches (DESIGN §3), saved at once with `PATCH /api/me`. Both
 * are reciprocal, as in WhatsApp, and enforced by the server: turned off, others learn
 * nothing and this user sees nothing of others either.
 */
import { For } from 'solid-js';
import type { UserSettings } from '#shared/api/users';
import { useSession } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { FormAlert } from './FormAlert.tsx';

type PrivacyKey = 'shareReadReceipts' | 'sharePresence';

const SWITCHES: { key: PrivacyKey; label: string; hint: string }[] = [
  {
    key: 'shareReadReceipts',
    label: 'Share read receipts',
    hint: 'Others see when you have read their messages. Off: they don’t, and you don’t see theirs either.',
  },
  {
    key: 'sharePresence',
    label: 'Share online status & typing',
    hint: 'Others see when you are online, when you were last seen and when you type. Off: they don’t, and you don’t see theirs either.',
  },
];

export function PrivacySettings() {
  const session = useSession();
  const action = createAction();
  const value = (key: PrivacyKey) => session.user()?.settings[key] ?? true;

  async function toggle(key: PrivacyKey, on: boolean, input: HTMLInputElement) {
    const settings: Partial<UserSettings> = { [key]: on };
    const me = await action.run(() => session.api.updateMe({ settings }));
    if (me) session.setUser(me);
    // Failed: show the stored value again.
    else input.checked = value(key);
  }

  return (
    <section class="card" aria-labelledby="privacy-title">
      <h3 id="privacy-title">Privacy</h3>
      <FormAlert message={action.error()} />
      <For each={SWITCHES}>
        {(s) => (
          <label class="switch-row">
            <input
              type="checkbox"
              role="switch"
              checked={value(s.key)}
              disabled={action.busy()}
              aria-describedby={`${s.key}-hint`}
              onChange={(e) => void toggle(s.key, e.currentTarget.checked, e.currentTarget)}
            />
            <span>
              {s.label}
              <span id={`${s.key}-hint`} class="switch-hint muted">
                {s.hint}
              </span>
            </span>
          </label>
        )}
      </For>
    </section>
  );
}
