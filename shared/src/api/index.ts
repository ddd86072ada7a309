/** The REST API's schemas and types, used by server routes and the client alike. */
export * from './users.ts';
export * from './rooms.ts';
export * from './config.ts';
export * from './responses.ts';
export * from './messages.ts';
export * from './events.ts';
export * from './attachments.ts';
