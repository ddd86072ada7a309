/** The sync protocol's version; a client that speaks another is refused with a named close code. */
export const PROTOCOL_VERSION = 1;
