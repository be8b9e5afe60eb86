import type { HandlerMap } from './types';

/**
 * Admin commands over the socket (PROTOCOL.md §5, §7). The service checks the rules,
 * writes the audit log and sends every event, exactly as for the HTTP API and the panel;
 * the admin's acknowledgement is the `moderation` notice it receives like everyone else.
 */
export const moderationHandlers: HandlerMap = {
	kick({ app, who }, msg) {
		app.moderation.kick(who, msg.target_id, msg.reason);
	},

	mute({ app, who }, msg) {
		app.moderation.mute(who, msg.target_id, msg.duration_seconds, msg.reason);
	},

	unmute({ app, who }, msg) {
		app.moderation.unmute(who, msg.target_id);
	},

	ban({ app, who }, msg) {
		app.moderation.ban(who, msg.target_id, msg.reason);
	},

	unban({ app, who }, msg) {
		app.moderation.unban(who, msg.target_id, msg.reason);
	}
};
