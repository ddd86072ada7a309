/** `GET /api/events`: the JSON events a bot receives over a WebSocket (DESIGN §7). */
export interface ChatMessageEvent {
  type: 'chat_message';
  room_id: string;
  message_id: string;
  message: string;
  sender_info: { id: string; username: string; name: string };
  sender_id: string;
  message_type: string;
  file_attachment: unknown | null;
  timestamp: string;
}
export type BotEvent = ChatMessageEvent;
