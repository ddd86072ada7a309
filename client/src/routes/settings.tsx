/**
 * `/settings`: profile (display name), appearance (theme), AI auto-reply, this account's
 * sessions with revoke, blocked people with unblock, log out.
 */
import { useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { PatchMeBody, type SessionInfo } from '#shared/api/users';
import { describeError } from '../api/http.ts';
import { useSession } from '../stores/context.tsx';
import { Field } from '../components/Field.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';
import { ThemeSwitch } from '../components/ThemeSwitch.tsx';
import { BlockedUsers } from '../components/BlockedUsers.tsx';
import { AiSettings } from '../components/AiSettings.tsx';
import { PrivacySettings } from '../components/PrivacySettings.tsx';
import { check, fieldErrorsOf, focusFirstInvalid, formValues, type FieldErrors } from '../lib/validation.ts';
import { shortTime } from '../lib/format.ts';

export default function Settings() {
  const session = useSession();
  const navigate = useNavigate();

  async function logout() {
    await session.logout();
    navigate('/login', { replace: true });
  }

  return (
    <section class="pane" aria-labelledby="settings-title">
      <PaneHeader title={<span id="settings-title">Settings</span>} />
      <div class="pane-body stack">
        <Profile />
        <ThemeSwitch />
        <PrivacySettings />
        <AiSettings />
        <Sessions />
        <BlockedUsers />
        <section class="card" aria-labelledby="account-title">
          <h3 id="account-title">Account</h3>
          <p class="muted">
            Logged in as <strong>@{session.user()?.username}</strong>
          </p>
          <div>
            <button type="button" class="btn btn-danger" onClick={() => void logout()}>
              Log out
            </button>
          </div>
        </section>
      </div>
    </section>
  );
}

function Profile() {
  const session = useSession();
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [alert, setAlert] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setAlert(null);
    setSaved(false);
    const checked = check(PatchMeBody, { displayName: formValues(form).displayName });
    if (!checked.ok) {
      setErrors(checked.errors);
      return focusFirstInvalid(form, checked.errors);
    }
    setErrors({});
    setBusy(true);
    try {
      session.setUser(await session.api.updateMe(checked.data));
      setSaved(true);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      setAlert(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="profile-title">
      <h3 id="profile-title">Profile</h3>
      <form class="form" onSubmit={onSubmit} noValidate>
        <FormAlert message={alert()} />
        <Field label="Display name" name="displayName" autocomplete="name" value={session.user()?.displayName ?? ''} error={errors().displayName} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy()}>
            Save
          </button>
          <span role="status" class="muted">
            {saved() ? 'Saved' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}

function Sessions() {
  const session = useSession();
  const [sessions, { refetch, mutate }] = createResource(() => session.api.sessions());
  const [alert, setAlert] = createSignal<string | null>(null);

  async function revoke(s: SessionInfo) {
    setAlert(null);
    try {
      await session.api.revokeSession(s.id);
      mutate((list) => list?.filter((x) => x.id !== s.id));
    } catch (e) {
      setAlert(describeError(e));
      void refetch();
    }
  }

  return (
    <section class="card" aria-labelledby="sessions-title">
      <h3 id="sessions-title">Devices</h3>
      <p class="muted">Where your account is logged in. Revoking a device logs it out at once.</p>
      <FormAlert message={alert() ?? (sessions.error ? describeError(sessions.error) : null)} />
      <Show when={sessions.state === 'ready' || sessions.state === 'refreshing' ? sessions() : undefined} fallback={<p class="muted">{sessions.loading ? 'Loading…' : ''}</p>}>
        <ul class="session-list">
          <For each={sessions()}>
            {(s) => (
              <li class="session">
                <span class="session-text">
                  <span class="session-name">
                    {s.deviceName || 'Unnamed device'}
                    <Show when={s.current}>
                      <span class="badge">This device</span>
                    </Show>
                  </span>
                  <span class="muted">Last active {shortTime(s.lastUsedAt)}</span>
                </span>
                <Show when={!s.current}>
                  <button type="button" class="btn btn-secondary btn-sm" aria-label={`Revoke ${s.deviceName || 'device'}`} onClick={() => void revoke(s)}>
                    Revoke
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
