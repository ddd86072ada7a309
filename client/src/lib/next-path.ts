/** Where to go after logging in: the `next` query parameter if it is a path of this app. */
export function nextPath(next: string | string[] | undefined): string {
  const n = Array.isArray(next) ? next[0] : next;
  // Only local paths: `//host` or `/\host` would leave the app.
  return n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/';
}
