/**
 * `POST /api/attachments` with XMLHttpRequest, the one browser API that reports upload
 * progress. The body is the raw blob; the name goes URL-encoded in `X-Filename` and the
 * device's attachment id in `X-Attachment-Id`, so a retry of the same file is answered
 * with the stored attachment instead of a second copy.
 */
import { ATTACHMENT_ID_HEADER, FILENAME_HEADER, type AttachmentResponse } from '#shared/api/attachments';
import { UploadError, type Uploader } from './queue.ts';
import { formatBytes } from './files.ts';

/** `getToken` gives a usable access token or throws (signed out, or no network to refresh). */
export function createXhrUploader(getToken: () => Promise<string>, maxUploadBytes: () => number | null): Uploader {
  return async (item, onProgress, signal) => {
    let token: string;
    try {
      token = await getToken();
    } catch {
      throw new UploadError('network', 'Waiting for a connection.');
    }
    if (signal.aborted) throw new UploadError('aborted', 'Cancelled.');
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/attachments');
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader(FILENAME_HEADER, encodeURIComponent(item.name));
      xhr.setRequestHeader(ATTACHMENT_ID_HEADER, item.id);
      xhr.setRequestHeader('Content-Type', item.mime || 'application/octet-stream');
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : item.size);
      xhr.onerror = () => reject(new UploadError('network', 'Waiting for a connection.'));
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => reject(new UploadError('aborted', 'Cancelled.'));
      xhr.onload = () => {
        if (xhr.status === 200 || xhr.status === 201) {
          try {
            resolve((JSON.parse(xhr.responseText) as AttachmentResponse).attachment);
          } catch {
            reject(new UploadError('server', 'The server sent an answer the app could not read.'));
          }
          return;
        }
        reject(errorFor(xhr, maxUploadBytes()));
      };
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(item.blob);
    });
  };
}

function errorFor(xhr: XMLHttpRequest, max: number | null): UploadError {
  let detail = '';
  try {
    detail = (JSON.parse(xhr.responseText) as { detail?: string }).detail ?? '';
  } catch {
    // Not a problem document (a proxy's page): the status says enough.
  }
  if (xhr.status === 413) return new UploadError('refused', max ? `The file is larger than ${formatBytes(max)}, the most the server accepts.` : 'The file is too large for the server.');
  if (xhr.status === 429 || xhr.status >= 500) return new UploadError('server', detail || `The server answered ${xhr.status}.`);
  if (xhr.status === 0) return new UploadError('network', 'Waiting for a connection.');
  return new UploadError('refused', detail || `The server refused the file (${xhr.status}).`);
}
