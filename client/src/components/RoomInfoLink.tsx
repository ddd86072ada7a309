/**
 * The room header's way to the group info / contact screen (`/r/:roomId/info`), an icon
 * link named "Room info".
 */
import { A } from '@solidjs/router';
import { IconInfo } from './icons.tsx';

export function RoomInfoLink(props: { roomId: string }) {
  return (
    <A href={`/r/${encodeURIComponent(props.roomId)}/info`} class="icon-btn" aria-label="Room info" title="Room info">
      <IconInfo />
    </A>
  );
}
