/**
 * The attachment of a message: an image inline (its thumbnail; full size on tap), any
 * other file as a card with name, size and a download button. While the sender's file is
 * still on its way: the local copy, a progress bar, "waiting for connection", and after a
 * failure the reason with Retry; Cancel until it is sent.
 */
import { createEffect, createMemo, createSignal, onCleanup, Show } from 'solid-js';
import { isInlineImage } from '#shared/api/attachments';
import type { AttachmentRef } from '#shared/room-doc/schema';
import { useUploads } from '../../stores/context.tsx';
import type { UploadStatus } from '../../attachments/queue.ts';
import { formatBytes } from '../../attachments/files.ts';
import { Lightbox } from './Lightbox.tsx';
import { IconDownload, IconFile, IconImageOff, IconRetry } from './attachment-icons.tsx';
import { IconX } from './icons.tsx';

export interface AttachmentViewProps {
  attachment: AttachmentRef;
}

/** The largest side of an inline image, in CSS pixels. */
const INLINE_MAX_PX = 240;

export function AttachmentView(props: AttachmentViewProps) {
  const uploads = useUploads();
  const id = createMemo(() => props.attachment.id);
  const status = () => uploads.status(id());
  const local = () => uploads.localUrl(id());
  const [remote, setRemote] = createSignal<{ url: string; thumbnailUrl: string | null } | null>(null);
  const [broken, setBroken] = createSignal(false);
  const [open, setOpen] = createSignal(false);

  // The server's copy, once there is one and no local copy is at hand.
  createEffect(() => {
    if (local() || status()) return;
    let live = true;
    setBroken(false);
    void uploads.urls.get(id()).then((r) => live && setRemote(r));
    onCleanup(() => (live = false));
  });

  const image = () => isInlineImage(props.attachment.mime);
  const thumbSrc = () => local() ?? remote()?.thumbnailUrl ?? remote()?.url ?? null;
  const fullSrc = () => local() ?? remote()?.url ?? null;
  const box = () => {
    const { width: w, height: h } = props.attachment;
    if (!w || !h) return { width: `${INLINE_MAX_PX}px`, 'aspect-ratio': '4 / 3' };
    const scale = Math.min(1, INLINE_MAX_PX / Math.max(w, h));
    return { width: `${Math.max(48, Math.round(w * scale))}px`, 'aspect-ratio': `${w} / ${h}` };
  };

  async function download() {
    const { url } = await uploads.urls.get(id());
    const a = document.createElement('a');
    a.href = local() ?? url;
    a.download = props.attachment.name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  }

  return (
    <div class="att" classList={{ 'att-image': image(), 'att-file': !image(), pending: !!status() }}>
      <Show
        when={image()}
        fallback={
          <div class="att-card">
            <span class="att-card-icon">
              <IconFile />
            </span>
            <span class="att-card-body">
              <span class="att-card-name" title={props.attachment.name}>
                {props.attachment.name}
              </span>
              <span class="att-card-size">{formatBytes(props.attachment.size)}</span>
            </span>
            <Show when={!status()}>
              <button type="button" class="icon-btn sm" aria-label={`Download ${props.attachment.name}`} title="Download" onClick={() => void download()}>
                <IconDownload />
              </button>
            </Show>
          </div>
        }
      >
        <Show
          when={thumbSrc() && !broken()}
          fallback={
            <div class="att-img-box att-img-missing" style={box()} role="img" aria-label={`${props.attachment.name} (${broken() ? 'not available offline' : 'loading'})`}>
              <IconImageOff />
              <span>{broken() ? 'Not available offline' : 'Loading…'}</span>
            </div>
          }
        >
          <button type="button" class="att-img-box" style={box()} aria-label={`Open image ${props.attachment.name}`} onClick={() => setOpen(true)}>
            <img src={thumbSrc()!} alt={props.attachment.name} decoding="async" onError={() => setBroken(true)} />
          </button>
        </Show>
      </Show>
      <Show when={status()}>{(s) => <UploadState status={s()} name={props.attachment.name} onRetry={() => uploads.retry(id())} onCancel={() => uploads.cancel(id())} />}</Show>
      <Show when={open() && fullSrc()}>
        <Lightbox src={fullSrc()!} name={props.attachment.name} onDownload={status() ? undefined : () => void download()} onClose={() => setOpen(false)} />
      </Show>
    </div>
  );
}

/** The line under a pending file. */
function statusText(s: UploadStatus, percent: number): string {
  switch (s.state) {
    case 'uploading':
      return `Uploading… ${percent}%`;
    case 'waiting':
      return s.reason === 'offline' ? 'Waiting for connection…' : 'Waiting to upload…';
    case 'failed':
      return s.error;
  }
}

function UploadState(props: { status: UploadStatus; name: string; onRetry(): void; onCancel(): void }) {
  const percent = () => (props.status.state === 'uploading' && props.status.total > 0 ? Math.min(100, Math.round((props.status.sent / props.status.total) * 100)) : 0);
  const failed = () => props.status.state === 'failed';
  return (
    <div class="att-upload" classList={{ failed: failed() }}>
      <Show when={props.status.state === 'uploading'}>
        <div class="att-progress" role="progressbar" aria-label={`Uploading ${props.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent()}>
          <div class="att-progress-bar" style={{ width: `${percent()}%` }} />
        </div>
      </Show>
      <span class="att-upload-text" role={failed() ? 'alert' : undefined}>
        {statusText(props.status, percent())}
      </span>
      <Show when={failed()}>
        <button type="button" class="btn btn-secondary btn-sm att-retry" onClick={() => props.onRetry()}>
          <IconRetry /> Retry
        </button>
      </Show>
      <button type="button" class="icon-btn sm att-cancel" aria-label={`Cancel upload of ${props.name}`} title="Cancel" onClick={() => props.onCancel()}>
        <IconX />
      </button>
    </div>
  );
}
