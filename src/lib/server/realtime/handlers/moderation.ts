import type { HandlerMap } from './types';

/**
 * Admin commands over the socket (PROTOCOL.md §5, §7). The service checks the rules,
 * writes the audit log and sends every event, exactly as for the HTTP API and the panel;
 * the admin's acknowledgement is the `moderation` notice it receives like everyone else.
 */
export const moderationHandlers: HandlerMap = {
	async kick({ services, who }, msg) {
		await services.moderation.kick(who, msg.target_id, msg.reason);
	},

	async mute({ services, who }, msg) {
		await services.moderation.mute(who, msg.target_id, msg.duration_seconds, msg.reason);
	},

	async unmute({ services, who }, msg) {
		await services.moderation.unmute(who, msg.target_id);
	},

	async ban({ services, who }, msg) {
		await services.moderation.ban(who, msg.target_id, msg.reason);
	},

	async unban({ services, who }, msg) {
		await services.moderation.unban(who, msg.target_id, msg.reason);
	}
};
