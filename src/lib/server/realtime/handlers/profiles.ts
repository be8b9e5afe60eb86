import type { HandlerMap } from './types';

export const profileHandlers: HandlerMap = {
	/** The answer is `profile_updated` on every connection, the sender's included (the service publishes it). */
	async set_profile({ services, who }, msg) {
		await services.profiles.setText(who, msg);
	}
};
