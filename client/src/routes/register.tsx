/** `/register`: username, display name, password; checked with RegisterBody before sending. */
import { A, Navigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { RegisterBody } from '#shared/api/users';
import { ErrorCode } from '#shared/errors';
import { ApiError, describeError } from '../api/http.ts';
import { useSession } from '../stores/context.tsx';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { check, fieldErrorsOf, focusFirstInvalid, formValues, type FieldErrors } from '../lib/validation.ts';

export default function Register() {
  const session = useSession();
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [alert, setAlert] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setAlert(null);
    const checked = check(RegisterBody, formValues(form));
    if (!checked.ok) {
      setErrors(checked.errors);
      return focusFirstInvalid(form, checked.errors);
    }
    setErrors({});
    setBusy(true);
    try {
      await session.register(checked.data);
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.usernameTaken) {
        setErrors({ username: 'That username is taken. Try another one.' });
        focusFirstInvalid(form, errors());
      } else {
        setErrors(fieldErrorsOf(err));
        setAlert(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show when={session.status() !== 'signed-in'} fallback={<Navigate href="/" />}>
      <AuthLayout
        title="Create your account"
        footer={
          <>
            Already have an account? <A href="/login">Log in</A>
          </>
        }
      >
        <form class="form" onSubmit={onSubmit} noValidate>
          <FormAlert message={alert()} />
          <Field
            label="Username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            hint="3–32 letters, digits, “_” or “.”"
            error={errors().username}
          />
          <Field label="Display name" name="displayName" autocomplete="name" error={errors().displayName} />
          <Field
            label="Password"
            name="password"
            type="password"
            autocomplete="new-password"
            hint="At least 8 characters"
            error={errors().password}
          />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy()}>
            {busy() ? 'Creating account…' : 'Create account'}
          </button>
        </form>
      </AuthLayout>
    </Show>
  );
}
