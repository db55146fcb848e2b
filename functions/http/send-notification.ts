import { messageHandler } from '../../lib/api/message-handler';

export const handler = messageHandler('notification');
