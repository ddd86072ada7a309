/**
 * Files picked, pasted or dropped into the composer, before they are sent: a preview of
 * each (images as thumbnails from a local object URL), its size, and a remove button.
 * `createStagedFiles` holds the list and checks each file against the server's limit.
 */
import { createSignal, For, onCleanup, Show, type Accessor } from 'solid-js';
import { formatBytes, sizeProblem } from '../../attachments/files.ts';
import { IconFile } from './attachment-icons.tsx';
import { IconX } from './icons.tsx';

export interface StagedFile {
  key: number;
  file: File;
  /** Object URL of an image, for the preview. */
  preview: string | null;
}

export interface StagedFiles {
  files: Accessor<StagedFile[]>;
  /** Adds the files that fit; returns the reason for the first one that doesn't. */
  add(files: Iterable<File>, maxBytes: number | null): string | null;
  remove(key: number): void;
  clear(): void;
}

export function createStagedFiles(): StagedFiles {
  const [files, setFiles] = createSignal<StagedFile[]>([]);
  let nextKey = 1;
  const release = (f: StagedFile) => f.preview && URL.revokeObjectURL(f.preview);
  onCleanup(() => files().forEach(release));
  return {
    files,
    add(list, maxBytes) {
      let problem: string | null = null;
      const added: StagedFile[] = [];
      for (const file of list) {
        const p = sizeProblem(file, maxBytes);
        if (p) {
          problem ??= p;
          continue;
        }
        added.push({ key: nextKey++, file, preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null });
      }
      if (added.length) setFiles((f) => [...f, ...added]);
      return problem;
    },
    remove(key) {
      const gone = files().find((f) => f.key === key);
      if (gone) release(gone);
      setFiles((f) => f.filter((x) => x.key !== key));
    },
    clear() {
      files().forEach(release);
      setFiles([]);
    },
  };
}

export function ComposerFiles(props: { files: StagedFile[]; onRemove(key: number): void }) {
  return (
    <Show when={props.files.length > 0}>
      <ul class="composer-files" aria-label="Files to send">
        <For each={props.files}>
          {(f) => (
            <li class="composer-file">
              <Show
                when={f.preview}
                fallback={
                  <span class="composer-file-icon">
                    <IconFile />
                  </span>
                }
              >
                <img class="composer-file-thumb" src={f.preview!} alt="" />
              </Show>
              <span class="composer-file-body">
                <span class="composer-file-name" title={f.file.name}>
                  {f.file.name || 'Pasted image'}
                </span>
                <span class="composer-file-size">{formatBytes(f.file.size)}</span>
              </span>
              <button type="button" class="icon-btn sm" aria-label={`Remove ${f.file.name || 'pasted image'}`} title="Remove" onClick={() => props.onRemove(f.key)}>
                <IconX />
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
