/** A form-level error (what the problem detail says), announced when it appears. */
import { Show } from 'solid-js';

export function FormAlert(props: { message: string | null | undefined }) {
  return (
    <div role="alert" class="form-alert-slot">
      <Show when={props.message}>
        <p class="form-alert">{props.message}</p>
      </Show>
    </div>
  );
}
