import { messageHandlers } from './messages';
import { moderationHandlers } from './moderation';
import { notificationHandlers } from './notifications';
import { presenceHandlers } from './presence';
import { profileHandlers } from './profiles';
import { roomHandlers } from './rooms';
import type { HandlerMap } from './types';

/** Every protocol message type that needs an identified connection, by domain. */
export const handlers: HandlerMap = {
	...messageHandlers,
	...roomHandlers,
	...presenceHandlers,
	...moderationHandlers,
	...notificationHandlers,
	...profileHandlers
};
