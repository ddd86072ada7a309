/**
 * An image at full size over the app (a modal `<dialog>`: focus stays inside, Escape
 * closes). A click on the backdrop closes it too.
 */
import { onMount, Show } from 'solid-js';
import { Portal } from 'solid-js/web';
import { IconX } from './icons.tsx';
import { IconDownload } from './attachment-icons.tsx';

export interface LightboxProps {
  src: string;
  name: string;
  onDownload?: () => void;
  onClose(): void;
}

export function Lightbox(props: LightboxProps) {
  let dialog!: HTMLDialogElement;
  onMount(() => dialog.showModal());
  return (
    <Portal>
      <dialog
        ref={dialog}
        class="lightbox"
        aria-label={props.name}
        onClose={() => props.onClose()}
        onClick={(e) => e.target === dialog && dialog.close()}
      >
        <div class="lightbox-bar">
          <span class="lightbox-name">{props.name}</span>
          <Show when={props.onDownload}>
            <button type="button" class="icon-btn" aria-label={`Download ${props.name}`} title="Download" onClick={() => props.onDownload?.()}>
              <IconDownload />
            </button>
          </Show>
          <button type="button" class="icon-btn" aria-label="Close" title="Close" onClick={() => dialog.close()}>
            <IconX />
          </button>
        </div>
        <img class="lightbox-img" src={props.src} alt={props.name} onClick={() => dialog.close()} />
      </dialog>
    </Portal>
  );
}
