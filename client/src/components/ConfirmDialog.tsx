/**
 * A modal "are you sure?" built on <dialog> (focus trap, Escape and the backdrop come
 * with it). `createConfirm()` gives a screen an `ask()` that resolves true on confirm and
 * false on cancel, and the view to render once.
 */
import { createSignal, createUniqueId, onMount, Show, type JSX } from 'solid-js';

export interface ConfirmRequest {
  title: string;
  body?: JSX.Element;
  /** The confirming button's text, e.g. "Remove". */
  confirmLabel: string;
  /** Red confirm button for destructive actions. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

export interface Confirm {
  ask(request: ConfirmRequest): Promise<boolean>;
  View: () => JSX.Element;
}

export function createConfirm(): Confirm {
  const [pending, setPending] = createSignal<Pending | null>(null);

  function ask(request: ConfirmRequest): Promise<boolean> {
    pending()?.resolve(false);
    return new Promise((resolve) => setPending({ ...request, resolve }));
  }

  function settle(ok: boolean) {
    const p = pending();
    setPending(null);
    p?.resolve(ok);
  }

  const View = () => <Show when={pending()}>{(p) => <Dialog request={p()} onSettle={settle} />}</Show>;
  return { ask, View };
}

function Dialog(props: { request: ConfirmRequest; onSettle: (ok: boolean) => void }) {
  let dialog!: HTMLDialogElement;
  let confirmed = false;
  const titleId = createUniqueId();
  const bodyId = createUniqueId();
  onMount(() => dialog.showModal());

  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby={titleId}
      aria-describedby={props.request.body ? bodyId : undefined}
      onClose={() => props.onSettle(confirmed)}
      onClick={(e) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (e.target === dialog) dialog.close();
      }}
    >
      <form method="dialog" class="confirm-body">
        <h2 id={titleId}>{props.request.title}</h2>
        <Show when={props.request.body}>
          <p id={bodyId} class="muted">
            {props.request.body}
          </p>
        </Show>
        <div class="confirm-actions">
          <button type="submit" class="btn btn-secondary" value="cancel" autofocus>
            Cancel
          </button>
          <button
            type="submit"
            class={props.request.danger ? 'btn btn-danger-solid' : 'btn btn-primary'}
            value="ok"
            onClick={() => (confirmed = true)}
          >
            {props.request.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
