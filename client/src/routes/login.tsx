/** `/login`: username and password; errors from the problem detail, shown at the form. */
import { A, Navigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { LoginBody } from '#shared/api/users';
import { ErrorCode } from '#shared/errors';
import { ApiError, describeError } from '../api/http.ts';
import { useSession } from '../stores/context.tsx';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { FormAlert } from '../components/FormAlert.tsx';
import { check, fieldErrorsOf, focusFirstInvalid, formValues, type FieldErrors } from '../lib/validation.ts';
import { nextPath } from '../lib/next-path.ts';

export default function Login() {
  const session = useSession();
  const [params] = useSearchParams();
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [alert, setAlert] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setAlert(null);
    const checked = check(LoginBody, formValues(form));
    if (!checked.ok) {
      setErrors({
        username: checked.errors.username && 'Enter your username',
        password: checked.errors.password && 'Enter your password',
      });
      return focusFirstInvalid(form, errors());
    }
    setErrors({});
    setBusy(true);
    try {
      await session.login(checked.data);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
      setAlert(
        err instanceof ApiError && err.code === ErrorCode.invalidCredentials
          ? 'That username and password don’t match an account.'
          : describeError(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show when={session.status() !== 'signed-in'} fallback={<Navigate href={nextPath(params.next)} />}>
      <AuthLayout
        title="Log in"
        footer={
          <>
            New to Parley? <A href="/register">Create an account</A>
          </>
        }
      >
        <form class="form" onSubmit={onSubmit} noValidate>
          <FormAlert message={alert()} />
          <Field label="Username" name="username" autocomplete="username" autocapitalize="none" spellcheck={false} error={errors().username} />
          <Field label="Password" name="password" type="password" autocomplete="current-password" error={errors().password} />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy()}>
            {busy() ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </AuthLayout>
    </Show>
  );
}
