/**
 * A group's members with their roles. Admins add people (user search) and remove members;
 * the owner also removes admins, promotes, demotes and hands over ownership. Every
 * destructive step asks first. The server has the last word: its refusals are shown.
 */
import { createSignal, For, Show } from 'solid-js';
import type { Member, Role, Room } from '#shared/api/rooms';
import type { UserId } from '#shared/ids';
import { useRooms, useSession } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { plural } from '../../lib/format.ts';
import { Avatar } from '../Avatar.tsx';
import { FormAlert } from '../FormAlert.tsx';
import { UserSearch } from '../UserSearch.tsx';
import type { Confirm } from '../ConfirmDialog.tsx';
import { IconMore } from '../icons.tsx';

const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/** What the caller may do to `target` (mirrors the server's rules in room-actions.ts). */
function rightsOver(myRole: Role, target: Member, me: string | undefined) {
  const self = target.id === me;
  const owner = myRole === 'owner';
  return {
    changeRole: owner && !self,
    remove: !self && target.role !== 'owner' && (owner || (myRole === 'admin' && target.role === 'member')),
  };
}

export function Members(props: { room: Room; confirm: Confirm }) {
  const session = useSession();
  const rooms = useRooms();
  const action = createAction();
  const [open, setOpen] = createSignal<string | null>(null);
  const me = () => session.user()?.id;
  const isAdmin = () => props.room.myRole === 'owner' || props.room.myRole === 'admin';
  const sorted = () =>
    [...props.room.members].sort((a, b) => RANK[a.role] - RANK[b.role] || a.displayName.localeCompare(b.displayName));

  async function update(call: () => Promise<Room | void>) {
    const room = await action.run(call);
    if (room) rooms.put(room);
    else if (!action.error()) await rooms.fetch(props.room.id).catch(() => {});
    if (!action.error()) setOpen(null);
  }

  async function setRole(m: Member, role: Role) {
    if (role === 'owner') {
      const ok = await props.confirm.ask({
        title: `Make ${m.displayName} the owner?`,
        body: 'There is one owner. You will become an admin, and only the new owner can change roles.',
        confirmLabel: 'Transfer ownership',
        danger: true,
      });
      if (!ok) return;
    }
    await update(() => session.api.changeRole(props.room.id, m.id as UserId, role));
  }

  async function remove(m: Member) {
    const ok = await props.confirm.ask({
      title: `Remove ${m.displayName}?`,
      body: `They leave “${props.room.name}” and stop receiving its messages.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (ok) await update(() => session.api.removeMember(props.room.id, m.id as UserId));
  }

  return (
    <section class="card" aria-labelledby="members-title">
      <h3 id="members-title">{plural(props.room.members.length, 'member')}</h3>
      <FormAlert message={action.error()} />
      <ul class="member-list" aria-labelledby="members-title">
        <For each={sorted()}>
          {(m) => {
            const rights = () => rightsOver(props.room.myRole, m, me());
            const manageable = () => rights().changeRole || rights().remove;
            const expanded = () => open() === m.id;
            return (
              <li class="member-item">
                <div class="member">
                  <Avatar name={m.displayName} id={m.id} size="sm" />
                  <span class="member-name member-text">
                    <span class="member-display">
                      {m.displayName}
                      {m.id === me() ? ' (you)' : ''}
                    </span>
                    <span class="muted">@{m.username}</span>
                  </span>
                  <Show when={m.role !== 'member'}>
                    <span class="badge">{ROLE_LABEL[m.role]}</span>
                  </Show>
                  <Show when={manageable()}>
                    <button
                      type="button"
                      class="icon-btn"
                      aria-label={`Manage ${m.displayName}`}
                      aria-expanded={expanded()}
                      aria-controls={`manage-${m.id}`}
                      onClick={() => setOpen(expanded() ? null : m.id)}
                    >
                      <IconMore />
                    </button>
                  </Show>
                </div>
                <Show when={expanded()}>
                  <div class="member-actions" id={`manage-${m.id}`}>
                    <Show when={rights().changeRole}>
                      <Show
                        when={m.role === 'admin'}
                        fallback={
                          <button type="button" class="btn btn-secondary btn-sm" disabled={action.busy()} onClick={() => void setRole(m, 'admin')}>
                            Make admin
                          </button>
                        }
                      >
                        <button type="button" class="btn btn-secondary btn-sm" disabled={action.busy()} onClick={() => void setRole(m, 'member')}>
                          Make member
                        </button>
                      </Show>
                      <button type="button" class="btn btn-secondary btn-sm" disabled={action.busy()} onClick={() => void setRole(m, 'owner')}>
                        Make owner
                      </button>
                    </Show>
                    <Show when={rights().remove}>
                      <button type="button" class="btn btn-danger btn-sm" disabled={action.busy()} onClick={() => void remove(m)}>
                        Remove from group
                      </button>
                    </Show>
                  </div>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
      <Show when={isAdmin()}>
        <UserSearch
          label="Add a member"
          actionLabel={(u) => `Add ${u.displayName} (@${u.username})`}
          exclude={props.room.members.map((m) => m.id)}
          disabled={action.busy()}
          onPick={(u) => void update(() => session.api.addMember(props.room.id, u.id as UserId))}
        />
      </Show>
    </section>
  );
}
