/**
 * `/invite/:token`: where an invite link leads. Shows the group (`GET /api/invites/:token`)
 * and joins it on request (`POST /api/invites/:token`). Signed-out visitors log in first
 * and come back here (AppShell passes the path as `next`).
 */
import { A, useNavigate, useParams } from '@solidjs/router';
import { createResource, Match, Switch } from 'solid-js';
import { ApiError, describeError } from '../api/http.ts';
import { useRooms, useSession } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { plural } from '../lib/format.ts';
import { Avatar } from '../components/Avatar.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';

export default function Invite() {
  const params = useParams<{ token: string }>();
  const session = useSession();
  const rooms = useRooms();
  const navigate = useNavigate();
  const action = createAction();
  const [preview] = createResource(() => params.token, (token) => session.api.previewInvite(token));

  const failure = () => {
    const e = preview.error;
    if (!e) return null;
    return e instanceof ApiError && e.status === 404 ? 'This invite link is not valid any more: it was revoked, or the group is gone.' : describeError(e);
  };

  async function join() {
    const room = await action.run(() => session.api.redeemInvite(params.token));
    if (!room) return;
    rooms.put(room);
    navigate(`/r/${room.id}`, { replace: true });
  }

  return (
    <section class="pane" aria-labelledby="invite-title">
      <PaneHeader title={<span id="invite-title">Invitation</span>} />
      <div class="pane-body stack">
        <Switch>
          <Match when={failure()}>
            <div class="card" role="alert">
              <p>{failure()}</p>
              <div>
                <A href="/" class="btn btn-secondary">
                  Back to chats
                </A>
              </div>
            </div>
          </Match>
          <Match when={preview()}>
            {(room) => (
              <div class="card info-hero">
                <Avatar name={room().name} id={room().id} size="lg" />
                <p class="muted">You are invited to join</p>
                <h3 class="info-name">{room().name}</h3>
                <p class="muted">{plural(room().memberCount, 'member')}</p>
                <FormAlert message={action.error()} />
                <Switch>
                  <Match when={room().isMember}>
                    <A href={`/r/${room().id}`} class="btn btn-primary">
                      Open group
                    </A>
                  </Match>
                  <Match when={true}>
                    <button type="button" class="btn btn-primary" disabled={action.busy()} onClick={() => void join()}>
                      {action.busy() ? 'Joining…' : 'Join group'}
                    </button>
                  </Match>
                </Switch>
              </div>
            )}
          </Match>
          <Match when={true}>
            <p class="muted">Loading…</p>
          </Match>
        </Switch>
      </div>
    </section>
  );
}
