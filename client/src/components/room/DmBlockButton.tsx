/**
 * A DM header's block / unblock action (issue 7), with the same confirmation as the
 * contact info. Named "Block <name>" or "Unblock <name>"; a failure is reported through
 * `onError` (the room shows it where its other action errors go).
 */
import { createEffect } from 'solid-js';
import { useBlocks } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { toggleBlock } from '../../lib/block-toggle.ts';
import { createConfirm } from '../ConfirmDialog.tsx';

const IconBlock = () => (
  <svg width={20} height={20} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round" aria-hidden="true">
    <circle cx="12" cy="12" r="9" />
    <path d="M5.6 5.6l12.8 12.8" />
  </svg>
);

export function DmBlockButton(props: { user: { id: string; displayName: string }; onError(message: string | null): void }) {
  const blocks = useBlocks();
  const action = createAction();
  const confirm = createConfirm();
  const label = () => `${blocks.isBlocked(props.user.id) ? 'Unblock' : 'Block'} ${props.user.displayName}`;
  createEffect(() => props.onError(action.error()));

  return (
    <>
      <button
        type="button"
        class="icon-btn"
        classList={{ active: blocks.isBlocked(props.user.id) }}
        aria-label={label()}
        title={label()}
        disabled={action.busy() || blocks.list() === null}
        onClick={() => void toggleBlock(confirm, blocks, action, props.user)}
      >
        <IconBlock />
      </button>
      <confirm.View />
    </>
  );
}
