/**
 * `/r/:roomId/info`: for a group its name, settings, members, invite links and leaving;
 * for a DM the other person and blocking. What a member may change follows their role.
 */
import { useNavigate, useParams } from '@solidjs/router';
import { createEffect, createSignal, Match, Show, Switch } from 'solid-js';
import type { Room } from '#shared/api/rooms';
import type { RoomId, UserId } from '#shared/ids';
import { ApiError, describeError } from '../api/http.ts';
import { useRooms, useSession } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { plural } from '../lib/format.ts';
import { Avatar } from '../components/Avatar.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';
import { createConfirm, type Confirm } from '../components/ConfirmDialog.tsx';
import { GroupSettings } from '../components/room-info/GroupSettings.tsx';
import { Members } from '../components/room-info/Members.tsx';
import { InviteLinks } from '../components/room-info/InviteLinks.tsx';
import { DmContact } from '../components/room-info/DmContact.tsx';

export default function RoomInfo() {
  const params = useParams<{ roomId: string }>();
  const rooms = useRooms();
  const session = useSession();
  const confirm = createConfirm();
  const [error, setError] = createSignal<string | null>(null);
  const room = () => rooms.get(params.roomId as RoomId);
  const back = () => ({ href: `/r/${encodeURIComponent(params.roomId)}`, label: 'Back to the chat' });

  // Always fetched once: the list's copy may predate a change made elsewhere.
  createEffect(() => {
    const id = params.roomId as RoomId;
    if (!rooms.loaded()) return;
    setError(null);
    rooms.fetch(id).catch((e) => {
      setError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'This chat doesn’t exist or you are not a member.' : describeError(e));
    });
  });

  return (
    <>
      <Show
        when={room()}
        fallback={
          <section class="pane">
            <PaneHeader title="Info" back={back()} />
            <p class="pane-body muted" role={error() ? 'alert' : undefined}>
              {error() ?? 'Loading…'}
            </p>
          </section>
        }
      >
        {(r) => (
          <section class="pane" aria-labelledby="info-title">
            <PaneHeader title={<span id="info-title">{r().kind === 'dm' ? 'Contact info' : 'Group info'}</span>} back={back()} />
            <div class="pane-body stack">
              <Switch>
                <Match when={r().kind === 'dm'}>
                  <Show when={r().members.find((m) => m.id !== session.user()?.id)} fallback={<p class="muted">Nobody else is in this chat.</p>}>
                    {(other) => <DmContact other={other()} confirm={confirm} />}
                  </Show>
                </Match>
                <Match when={true}>
                  <GroupInfo room={r()} confirm={confirm} />
                </Match>
              </Switch>
            </div>
          </section>
        )}
      </Show>
      <confirm.View />
    </>
  );
}

function GroupInfo(props: { room: Room; confirm: Confirm }) {
  const isAdmin = () => props.room.myRole === 'owner' || props.room.myRole === 'admin';
  return (
    <>
      <section class="card info-hero" aria-label="Group">
        <Avatar name={props.room.name} id={props.room.id} size="lg" />
        <h3 class="info-name">{props.room.name}</h3>
        <p class="muted">
          {props.room.visibility === 'public' ? 'Public group' : 'Private group'} · {plural(props.room.members.length, 'member')}
        </p>
      </section>
      <GroupSettings room={props.room} isAdmin={isAdmin()} />
      <Members room={props.room} confirm={props.confirm} />
      <Show when={isAdmin()}>
        <InviteLinks room={props.room} confirm={props.confirm} />
      </Show>
      <Leave room={props.room} confirm={props.confirm} />
    </>
  );
}

function Leave(props: { room: Room; confirm: Confirm }) {
  const session = useSession();
  const rooms = useRooms();
  const navigate = useNavigate();
  const action = createAction();

  async function leave() {
    const owner = props.room.myRole === 'owner';
    const ok = await props.confirm.ask({
      title: `Leave “${props.room.name}”?`,
      body: owner
        ? 'You are the owner: the longest-standing admin (else member) becomes the owner. You can only come back if someone adds you.'
        : 'You stop receiving its messages. You can only come back if someone adds you or you join again.',
      confirmLabel: 'Leave group',
      danger: true,
    });
    if (!ok) return;
    const me = session.user()!.id as UserId;
    const left = await action.run(async () => (await session.api.removeMember(props.room.id, me), true));
    if (!left) return;
    await rooms.reload();
    navigate('/', { replace: true });
  }

  return (
    <section class="card" aria-labelledby="leave-title">
      <h3 id="leave-title">Leave</h3>
      <FormAlert message={action.error()} />
      <div>
        <button type="button" class="btn btn-danger" disabled={action.busy()} onClick={() => void leave()}>
          Leave group
        </button>
      </div>
    </section>
  );
}
