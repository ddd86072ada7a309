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
  const describedBy = () => [own.hint ? `${id}-hint` : '', own.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field" classList={{ invalid: !!own.error }}>
      <label for={id}>{own.label}</label>
      <input id={id} aria-invalid={own.error ? 'true' : undefined} aria-describedby={describedBy()} {...input} />
      <Show when={own.hint}>
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
