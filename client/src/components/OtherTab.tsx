/**
 * Shown instead of the app while another tab of this browser is the active Parley for the
 * user (DESIGN §8, one writing tab): "Use here" moves Parley to this tab.
 */
import { Show } from 'solid-js';
import { useTab } from '../stores/context.tsx';
import { AuthLayout } from './AuthLayout.tsx';

export function OtherTab() {
  const tab = useTab();
  const claiming = () => tab.state() === 'claiming';
  return (
    <AuthLayout title="Parley is open in another tab" class="other-tab">
      <p class="muted">Parley works in one tab at a time, so your chats stay in step. Use it here and the other tab pauses.</p>
      <button type="button" class="btn btn-primary btn-block" disabled={claiming()} onClick={() => tab.useHere()}>
        Use here
      </button>
      <p class="other-tab-status muted" role="status">
        <Show when={claiming()}>Waiting for the other tab to let go…</Show>
      </p>
    </AuthLayout>
  );
}
