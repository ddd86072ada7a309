/**
 * Shows the total unread count on the installed app's icon (Badging API, where the browser
 * has it) and clears it at zero. Renders nothing.
 */
import { createEffect, createMemo } from 'solid-js';
import { useRooms } from '../stores/context.tsx';

interface BadgingNavigator {
  setAppBadge?: (count?: number) => Promise<void>;
  clearAppBadge?: () => Promise<void>;
}

export function setAppBadge(count: number, nav: BadgingNavigator = navigator as BadgingNavigator): void {
  const done = count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.();
  // Refused when the app is not installed or the permission is missing: nothing to do.
  done?.catch(() => {});
}

export function AppBadge() {
  const rooms = useRooms();
  const total = createMemo(() => rooms.rooms().reduce((n, r) => n + Math.max(0, r.unread || 0), 0));
  createEffect(() => setAppBadge(total()));
  return null;
}
