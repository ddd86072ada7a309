/**
 * Multiplexed framing on `/sync`: each binary frame is `varString(docName)` followed by one
 * standard y-websocket message (0 sync, 1 awareness, 2 auth, 3 query awareness). A frame
 * whose docName is `""` carries one JSON control message in UTF-8 instead.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { ClientControl, ServerControl } from './control.ts';

/** The y-websocket message types. */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** The y-protocols sync sub-types. */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/** Document name of control frames. */
export const CONTROL_DOC = '';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Prefixes a y-websocket message with its document name. */
export function encodeFrame(docName: string, message: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, docName);
  encoding.writeUint8Array(e, message);
  return encoding.toUint8Array(e);
}

/** Splits a frame into document name and message (a view, not a copy). Throws on garbage. */
export function decodeFrame(frame: Uint8Array): { docName: string; message: Uint8Array } {
  const d = decoding.createDecoder(frame);
  const docName = decoding.readVarString(d);
  return { docName, message: frame.subarray(d.pos) };
}

export function encodeControl(msg: ClientControl | ServerControl): Uint8Array {
  return encodeFrame(CONTROL_DOC, utf8.encode(JSON.stringify(msg)));
}

/** Parses a control message sent by a client; throws on anything that isn't one. */
export function parseClientControl(message: Uint8Array): ClientControl {
  return ClientControl.parse(JSON.parse(fromUtf8.decode(message)));
}

/** Parses a control message sent by the server; throws on anything that isn't one. */
export function parseServerControl(message: Uint8Array): ServerControl {
  return ServerControl.parse(JSON.parse(fromUtf8.decode(message)));
}

/** A sync message (`0`, sub-type, payload). */
export function encodeSyncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** An awareness message (`1`, update). */
export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** A y-protocols permission-denied message (`2`, `0`, reason). */
export function encodePermissionDenied(reason: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.auth);
  encoding.writeVarUint(e, 0);
  encoding.writeVarString(e, reason);
  return encoding.toUint8Array(e);
}

/** Base64 of bytes, in the browser and in Node. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
