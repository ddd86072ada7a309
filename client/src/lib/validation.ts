/**
 * Field errors for forms, from the shared zod schemas (checked before sending) and from a
 * 400 problem's `errors` (what the server found). Keys are top-level field names.
 */
import type { z } from 'zod';
import type { Problem } from '#shared/errors';
import { ApiError } from '../api/http.ts';

export type FieldErrors = Partial<Record<string, string>>;

export type Checked<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The schema's parse of `input`, or the first message per field. */
export function check<S extends z.ZodType>(schema: S, input: unknown): Checked<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = String(issue.path[0] ?? '');
    errors[key] ??= sentence(issue.message);
  }
  return { ok: false, errors };
}

/** Per-field messages of a problem (`path` may be `body.username` or `/username`). */
export function problemFieldErrors(problem: Problem): FieldErrors {
  const errors: FieldErrors = {};
  for (const e of problem.errors ?? []) {
    const key = e.path.replace(/^\/|^body\./, '').split(/[./]/)[0] ?? '';
    errors[key] ??= sentence(e.message);
  }
  return errors;
}

/** Field errors of whatever a submit threw (empty when it was not a validation problem). */
export function fieldErrorsOf(e: unknown): FieldErrors {
  return e instanceof ApiError && e.problem.errors ? problemFieldErrors(e.problem) : {};
}

/** A form's named text fields as a plain object. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Moves focus to the first field with an error, so keyboard and screen reader users land on it. */
export function focusFirstInvalid(form: HTMLFormElement, errors: FieldErrors) {
  for (const el of Array.from(form.elements)) {
    const name = (el as HTMLInputElement).name;
    if (name && errors[name]) {
      (el as HTMLElement).focus();
      return;
    }
  }
}
