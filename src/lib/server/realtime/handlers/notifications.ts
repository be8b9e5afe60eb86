import type { HandlerMap } from './types';

export const notificationHandlers: HandlerMap = {
	/** The answer is `notifications` on every connection of the user (the service publishes it). */
	async set_notifications({ services, who }, msg) {
		await services.notifications.set(who, msg);
	}
};
