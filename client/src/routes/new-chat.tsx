/**
 * `/new`: message someone (user search → the DM, opened or created) or create a group with
 * a name, a visibility and members picked from the same search, or browse public groups
 * and join one.
 */
import { useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { CreateRoomBody, type Visibility } from '#shared/api/rooms';
import type { PublicUser } from '#shared/api/users';
import type { UserId } from '#shared/ids';
import { describeError } from '../api/http.ts';
import { useRooms } from '../stores/context.tsx';
import { Field } from '../components/Field.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';
import { UserSearch } from '../components/UserSearch.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { IconClose } from '../components/icons.tsx';
import { PublicGroups } from '../components/PublicGroups.tsx';
import { check, fieldErrorsOf, focusFirstInvalid, type FieldErrors } from '../lib/validation.ts';

export default function NewChat() {
  return (
    <section class="pane" aria-labelledby="new-chat-title">
      <PaneHeader title={<span id="new-chat-title">New chat</span>} />
      <div class="pane-body stack">
        <DirectMessage />
        <NewGroup />
        <PublicGroups />
      </div>
    </section>
  );
}

function DirectMessage() {
  const rooms = useRooms();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [alert, setAlert] = createSignal<string | null>(null);

  async function open(user: PublicUser) {
    setBusy(true);
    setAlert(null);
    try {
      const room = await rooms.openDm(user.id as UserId);
      navigate(`/r/${room.id}`);
    } catch (e) {
      setAlert(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="dm-title">
      <h3 id="dm-title">Message someone</h3>
      <FormAlert message={alert()} />
      <UserSearch label="Find a person" actionLabel={(u) => `Message ${u.displayName} (@${u.username})`} onPick={open} disabled={busy()} />
    </section>
  );
}

function NewGroup() {
  const rooms = useRooms();
  const navigate = useNavigate();
  const [name, setName] = createSignal('');
  const [visibility, setVisibility] = createSignal<Visibility>('private');
  const [members, setMembers] = createSignal<PublicUser[]>([]);
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [alert, setAlert] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const add = (u: PublicUser) => setMembers((list) => (list.some((m) => m.id === u.id) ? list : [...list, u]));
  const remove = (id: string) => setMembers((list) => list.filter((m) => m.id !== id));

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setAlert(null);
    const checked = check(CreateRoomBody, { name: name(), visibility: visibility(), memberIds: members().map((m) => m.id) });
    if (!checked.ok) {
      setErrors(checked.errors);
      return focusFirstInvalid(form, checked.errors);
    }
    setErrors({});
    setBusy(true);
    try {
      const room = await rooms.createGroup(checked.data);
      navigate(`/r/${room.id}`);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      setAlert(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="group-title">
      <h3 id="group-title">Create a group</h3>
      <form class="form" onSubmit={onSubmit} noValidate>
        <FormAlert message={alert()} />
        <Field label="Group name" name="name" autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} error={errors().name} />
        <fieldset class="choice">
          <legend>Who can find it</legend>
          <label>
            <input type="radio" name="visibility" value="private" checked={visibility() === 'private'} onChange={() => setVisibility('private')} />
            <span>
              Private <span class="muted">— people join by invitation</span>
            </span>
          </label>
          <label>
            <input type="radio" name="visibility" value="public" checked={visibility() === 'public'} onChange={() => setVisibility('public')} />
            <span>
              Public <span class="muted">— anyone can find and join it</span>
            </span>
          </label>
        </fieldset>
        <div class="members-picker">
          <p class="label" id="picked-title">
            Members
          </p>
          <Show when={members().length > 0} fallback={<p class="muted">Just you so far. Add people below.</p>}>
            <ul class="chips" aria-labelledby="picked-title">
              <For each={members()}>
                {(m) => (
                  <li class="chip">
                    <Avatar name={m.displayName} id={m.id} size="sm" />
                    <span>{m.displayName}</span>
                    <button type="button" class="chip-remove" aria-label={`Remove ${m.displayName}`} onClick={() => remove(m.id)}>
                      <IconClose />
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={errors().memberIds}>
            <p class="field-error">{errors().memberIds}</p>
          </Show>
          <UserSearch
            label="Add members"
            actionLabel={(u) => `Add ${u.displayName} (@${u.username})`}
            onPick={add}
            exclude={members().map((m) => m.id)}
          />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy()}>
          {busy() ? 'Creating…' : 'Create group'}
        </button>
      </form>
    </section>
  );
}
