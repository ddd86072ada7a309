/**
 * A DM's info: the other person, and blocking them (`POST /api/blocks`) or unblocking
 * (`DELETE /api/blocks/:userId`), each after a confirmation.
 */
import { createResource, Show } from 'solid-js';
import type { Member } from '#shared/api/rooms';
import type { UserId } from '#shared/ids';
import { describeError } from '../../api/http.ts';
import { useSession } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { Avatar } from '../Avatar.tsx';
import { FormAlert } from '../FormAlert.tsx';
import type { Confirm } from '../ConfirmDialog.tsx';

export function DmContact(props: { other: Member; confirm: Confirm }) {
  const session = useSession();
  const action = createAction();
  const [blocked, { mutate }] = createResource(
    () => props.other.id,
    async (id) => (await session.api.blocks()).some((b) => b.user.id === id),
  );

  async function toggle() {
    const name = props.other.displayName;
    const id = props.other.id as UserId;
    if (blocked()) {
      const ok = await props.confirm.ask({ title: `Unblock ${name}?`, body: 'They will be able to message you again.', confirmLabel: 'Unblock' });
      if (ok && (await action.run(async () => (await session.api.unblock(id), true)))) mutate(false);
    } else {
      const ok = await props.confirm.ask({
        title: `Block ${name}?`,
        body: 'They won’t be able to message you or see when you are online, and their messages in groups are hidden from you.',
        confirmLabel: 'Block',
        danger: true,
      });
      if (ok && (await action.run(() => session.api.block(id)))) mutate(true);
    }
  }

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
        <FormAlert message={action.error() ?? (blocked.error ? describeError(blocked.error) : null)} />
        <div>
          <button type="button" class="btn btn-danger" disabled={action.busy() || blocked.loading} onClick={() => void toggle()}>
            {blocked() ? `Unblock ${props.other.displayName}` : `Block ${props.other.displayName}`}
          </button>
        </div>
      </section>
    </>
  );
}
