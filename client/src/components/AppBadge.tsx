/** Keeps the app icon's badge at the total unread count of the rooms store. Renders nothing. */
import { createEffect, createMemo } from 'solid-js';
import { useRooms } from '../stores/context.tsx';
import { showAppBadge, totalUnread } from '../lib/app-badge.ts';

export function AppBadge() {
  const rooms = useRooms();
  const total = createMemo(() => totalUnread(rooms.rooms()));
  createEffect(() => showAppBadge(total()));
  return null;
}
