/** `/`: the chat list is the left pane; on a wide screen the right pane says what to do. */
import { IconBubble } from '../components/icons.tsx';

export default function ChatsHome() {
  return (
    <div class="empty-pane">
      <IconBubble />
      <p>Pick a chat on the left, or start a new one.</p>
    </div>
  );
}
