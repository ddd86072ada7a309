/**
 * A group's name, visibility and posting rule. Admins edit them (`PATCH /api/rooms/:id`);
 * everyone else reads them.
 */
import { createSignal, Show } from 'solid-js';
import { PatchRoomBody, type Room } from '#shared/api/rooms';
import { useRooms, useSession } from '../../stores/context.tsx';
import { createAction } from '../../lib/action.ts';
import { check, fieldErrorsOf, focusFirstInvalid, type FieldErrors } from '../../lib/validation.ts';
import { Field } from '../Field.tsx';
import { FormAlert } from '../FormAlert.tsx';

export function GroupSettings(props: { room: Room; isAdmin: boolean }) {
  return (
    <section class="card" aria-labelledby="group-settings-title">
      <h3 id="group-settings-title">Group settings</h3>
      <Show when={props.isAdmin} fallback={<ReadOnly room={props.room} />}>
        <Rename room={props.room} />
        <Rules room={props.room} />
      </Show>
    </section>
  );
}

function ReadOnly(props: { room: Room }) {
  return (
    <dl class="facts">
      <dt>Visibility</dt>
      <dd>{props.room.visibility === 'public' ? 'Public — anyone can find and join it' : 'Private — people join by invitation'}</dd>
      <dt>Who can post</dt>
      <dd>{props.room.onlyAdminsPost ? 'Only admins' : 'Every member'}</dd>
    </dl>
  );
}

function Rename(props: { room: Room }) {
  const session = useSession();
  const rooms = useRooms();
  const action = createAction();
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [saved, setSaved] = createSignal(false);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setSaved(false);
    const name = (new FormData(form).get('name') as string | null) ?? '';
    const checked = check(PatchRoomBody, { name });
    if (!checked.ok) {
      setErrors(checked.errors);
      return focusFirstInvalid(form, checked.errors);
    }
    setErrors({});
    const room = await action.run(() => session.api.patchRoom(props.room.id, checked.data));
    if (room) {
      rooms.put(room);
      setSaved(true);
    } else setErrors(fieldErrorsOf(action.failure()));
  }

  return (
    <form class="form" onSubmit={onSubmit} noValidate>
      <FormAlert message={action.error()} />
      <Field label="Group name" name="name" autocomplete="off" value={props.room.name} error={errors().name} onInput={() => setSaved(false)} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary btn-sm" disabled={action.busy()}>
          Rename
        </button>
        <span role="status" class="muted">
          {saved() ? 'Saved' : ''}
        </span>
      </div>
    </form>
  );
}

/** Visibility and "only admins can post" apply as soon as they are changed. */
function Rules(props: { room: Room }) {
  const session = useSession();
  const rooms = useRooms();
  const action = createAction();

  async function patch(body: PatchRoomBody, input: HTMLInputElement) {
    const room = await action.run(() => session.api.patchRoom(props.room.id, body));
    if (room) rooms.put(room);
    // A refused change puts the control back where the server says it is.
    else input.checked = input.type === 'checkbox' ? props.room.onlyAdminsPost : input.value === props.room.visibility;
  }

  return (
    <div class="form">
      <FormAlert message={action.error()} />
      <fieldset class="choice">
        <legend>Who can find it</legend>
        <label>
          <input
            type="radio"
            name="visibility"
            value="private"
            checked={props.room.visibility === 'private'}
            disabled={action.busy()}
            onChange={(e) => void patch({ visibility: 'private' }, e.currentTarget)}
          />
          <span>
            Private <span class="muted">— people join by invitation</span>
          </span>
        </label>
        <label>
          <input
            type="radio"
            name="visibility"
            value="public"
            checked={props.room.visibility === 'public'}
            disabled={action.busy()}
            onChange={(e) => void patch({ visibility: 'public' }, e.currentTarget)}
          />
          <span>
            Public <span class="muted">— anyone can find and join it</span>
          </span>
        </label>
      </fieldset>
      <label class="switch-row">
        <input
          type="checkbox"
          role="switch"
          checked={props.room.onlyAdminsPost}
          disabled={action.busy()}
          onChange={(e) => void patch({ onlyAdminsPost: e.currentTarget.checked }, e.currentTarget)}
        />
        <span>
          Only admins can post
          <span class="muted switch-hint">Members can still read everything.</span>
        </span>
      </label>
    </div>
  );
}
