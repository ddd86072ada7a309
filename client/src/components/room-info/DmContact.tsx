/**
 * A DM's info: the other person, and blocking them (`POST /api/blocks`) or unblocking
 * (`DELETE /api/blocks/:userId`), each after a confirmation, through the blocks store.
 */
import { Show } from 'solid-js';
import type { Member } from '#shared/api/rooms';
import { useBlocks } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { toggleBlock } from '../../lib/block-toggle.ts';
import { Avatar } from '../Avatar.tsx';
import { FormAlert } from '../FormAlert.tsx';
import type { Confirm } from '../ConfirmDialog.tsx';

export function DmContact(props: { other: Member; confirm: Confirm }) {
  const blocks = useBlocks();
  const action = createAction();
  const blocked = () => blocks.isBlocked(props.other.id);

  const toggle = () => toggleBlock(props.confirm, blocks, action, props.other);

  return (
    <>
      <section class="card info-hero" aria-label="Contact">
        <Avatar name={props.other.displayName} id={props.other.id} size="lg" />
        <h3 class="info-name">{props.other.displayName}</h3>
        <p class="muted">@{props.other.username}</p>
        <Show when={blocked()}>
          <span class="badge badge-danger">Blocked</span>
        </Show>
      </section>
      <section class="card" aria-labelledby="privacy-title">
        <h3 id="privacy-title">Privacy</h3>
        <FormAlert message={action.error()} />
        <div>
          <button type="button" class="btn btn-danger" disabled={action.busy() || blocks.list() === null} onClick={() => void toggle()}>
            {blocked() ? `Unblock ${props.other.displayName}` : `Block ${props.other.displayName}`}
          </button>
        </div>
      </section>
    </>
  );
}
