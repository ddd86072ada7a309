/**
 * A group's invite links (admins): create one, copy it (with visible "Copied" feedback),
 * see the active ones and revoke them.
 */
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { InviteInfo, Room } from '#shared/api/rooms';
import { describeError } from '../../api/http.ts';
import { useSession } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { shortTime } from '../../lib/format.ts';
import { FormAlert } from '../FormAlert.tsx';
import type { Confirm } from '../ConfirmDialog.tsx';
import { IconCopy } from '../icons.tsx';

const COPIED_FOR_MS = 2_500;

export function InviteLinks(props: { room: Room; confirm: Confirm }) {
  const session = useSession();
  const action = createAction();
  const [invites, { mutate, refetch }] = createResource(() => props.room.id, (id) => session.api.invites(id));
  const [copied, setCopied] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  async function create() {
    const made = await action.run(() => session.api.createInvite(props.room.id));
    if (!made) return;
    const info: InviteInfo = { ...made, createdBy: session.user()!.id, createdAt: new Date().toISOString() };
    mutate((list) => [info, ...(list ?? []).filter((i) => i.token !== made.token)]);
    await copy(info);
  }

  async function copy(invite: InviteInfo) {
    try {
      await navigator.clipboard.writeText(invite.url);
      setCopied(invite.token);
      clearTimeout(timer);
      timer = setTimeout(() => setCopied(null), COPIED_FOR_MS);
    } catch {
      // No clipboard (permission, insecure origin): select the link for a manual copy.
      const input = document.getElementById(`invite-${invite.token}`) as HTMLInputElement | null;
      input?.select();
      action.setError('Copying was not allowed here: the link is selected, copy it yourself.');
    }
  }

  async function revoke(invite: InviteInfo) {
    const ok = await props.confirm.ask({
      title: 'Revoke this invite link?',
      body: 'Anyone who has it will no longer be able to join with it. People who already joined stay.',
      confirmLabel: 'Revoke',
      danger: true,
    });
    if (!ok) return;
    const done = await action.run(async () => {
      await session.api.revokeInvite(props.room.id, invite.token);
      return true;
    });
    if (done) mutate((list) => list?.filter((i) => i.token !== invite.token));
    else void refetch();
  }

  return (
    <section class="card" aria-labelledby="invites-title">
      <div class="card-head">
        <h3 id="invites-title">Invite links</h3>
        <button type="button" class="btn btn-primary btn-sm" disabled={action.busy()} onClick={() => void create()}>
          Create invite link
        </button>
      </div>
      <p class="muted">Anyone with a link can join this group. Revoke a link to stop that.</p>
      <FormAlert message={action.error() ?? (invites.error ? describeError(invites.error) : null)} />
      <Show when={invites.latest} fallback={<p class="muted">{invites.loading ? 'Loading…' : ''}</p>}>
        <Show when={(invites.latest ?? []).length > 0} fallback={<p class="muted">No active links.</p>}>
          <ul class="invite-list" aria-labelledby="invites-title">
            <For each={invites.latest}>
              {(invite) => (
                <li class="invite">
                  <label class="sr-only" for={`invite-${invite.token}`}>
                    Invite link created {shortTime(invite.createdAt)}
                  </label>
                  <input id={`invite-${invite.token}`} class="invite-url" type="text" readOnly value={invite.url} onFocus={(e) => e.currentTarget.select()} />
                  <div class="invite-actions">
                    <span class="muted invite-date">Created {shortTime(invite.createdAt)}</span>
                    <button type="button" class="btn btn-secondary btn-sm" onClick={() => void copy(invite)}>
                      <IconCopy />
                      Copy link
                    </button>
                    <button type="button" class="btn btn-danger btn-sm" disabled={action.busy()} onClick={() => void revoke(invite)}>
                      Revoke
                    </button>
                    <span role="status" class="copied">
                      {copied() === invite.token ? 'Copied' : ''}
                    </span>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
