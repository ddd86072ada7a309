/** The unread count on the installed app's icon (Badging API), where the browser has it. */

/** The part of `navigator` the Badging API adds (absent in most browsers). */
export interface BadgingNavigator {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

/** The sum of the rooms' unread counts (missing or negative counts add nothing). */
export function totalUnread(rooms: readonly { unread?: number | null }[]): number {
  return rooms.reduce((n, r) => n + (r.unread && r.unread > 0 ? r.unread : 0), 0);
}

/** Shows `count` on the app icon, or clears it at 0. Never throws. */
export function showAppBadge(count: number, nav: BadgingNavigator = globalThis.navigator as BadgingNavigator): void {
  try {
    const done = count > 0 ? nav?.setAppBadge?.(count) : nav?.clearAppBadge?.();
    // Refused when the app isn't installed or lacks the permission: nothing to do.
    done?.catch(() => {});
  } catch {
    // Same, in browsers that throw instead of rejecting.
  }
}
