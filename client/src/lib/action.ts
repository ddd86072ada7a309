/**
 * createAction: the busy flag and the visible error of a screen's API calls. `run()` clears
 * the last error, runs the call, and keeps what went wrong as a sentence for a FormAlert
 * (the problem detail the server sent, for an `ApiError`).
 */
import { createSignal, type Accessor } from 'solid-js';
import { describeError } from '../api/http.ts';

export interface Action {
  busy: Accessor<boolean>;
  error: Accessor<string | null>;
  /** What the last failed call threw (for field errors of a problem). */
  failure: Accessor<unknown>;
  setError(message: string | null): void;
  /** Resolves to the call's result, or undefined when it failed (the error is kept). */
  run<T>(call: () => Promise<T>): Promise<T | undefined>;
}

export function createAction(): Action {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<unknown>(null);
  return {
    busy,
    error,
    failure,
    setError,
    async run(call) {
      setBusy(true);
      setError(null);
      setFailure(null);
      try {
        return await call();
      } catch (e) {
        setFailure(() => e);
        setError(describeError(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
  };
}
