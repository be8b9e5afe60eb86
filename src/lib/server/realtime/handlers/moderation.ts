import type { HandlerMap } from './types';

/**
 * Admin commands over the socket (PROTOCOL.md §5, §7). The service checks the rules,
 * writes the audit log and sends every event, exactly as for the HTTP API and the panel;
 * the admin's acknowledgement is the `moderation` notice it receives like everyone else.
 */
export const moderationHandlers: HandlerMap = {
	kick({ services, who }, msg) {
		services.moderation.kick(who, msg.target_id, msg.reason);
	},

	mute({ services, who }, msg) {
		services.moderation.mute(who, msg.target_id, msg.duration_seconds, msg.reason);
	},

	unmute({ services, who }, msg) {
		services.moderation.unmute(who, msg.target_id);
	},

	ban({ services, who }, msg) {
		services.moderation.ban(who, msg.target_id, msg.reason);
	},

	unban({ services, who }, msg) {
		services.moderation.unban(who, msg.target_id, msg.reason);
	}
};
