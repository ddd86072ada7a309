/** A labelled input with its error message tied to it (`aria-invalid`, `aria-describedby`). */
import { createUniqueId, Show, splitProps, type JSX } from 'solid-js';

export interface FieldProps extends JSX.InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string;
}

export function Field(props: FieldProps) {
  const [own, input] = splitProps(props, ['label', 'error', 'hint', 'id']);
  const id = own.id ?? createUniqueId();
  // The error replaces the hint: both often say the same thing.
  const describedBy = () => (own.error ? `${id}-error` : own.hint ? `${id}-hint` : undefined);
  return (
    <div class="field" classList={{ invalid: !!own.error }}>
      <label for={id}>{own.label}</label>
      <input id={id} aria-invalid={own.error ? 'true' : undefined} aria-describedby={describedBy()} {...input} />
      <Show when={own.hint && !own.error}>
        <p class="field-hint" id={`${id}-hint`}>
          {own.hint}
        </p>
      </Show>
      <Show when={own.error}>
        <p class="field-error" id={`${id}-error`}>
          {own.error}
        </p>
      </Show>
    </div>
  );
}
