import { events } from '$lib/protocol/events';
import type { HandlerMap } from './types';

export const presenceHandlers: HandlerMap = {
	ping({ conn }) {
		conn.sendEvent(events.pong());
	},

	async get_users({ services, conn }) {
		conn.sendEvent(events.users(await services.online.onlineUsers()));
	},

	async get_stats({ services, conn }) {
		conn.sendEvent(events.stats(await services.stats.snapshot()));
	},

	/** The user's tabs hear `name_changed` and everyone else `user_renamed` (identity/rename.ts). */
	async set_name({ services, who }, msg) {
		await services.renames.rename(who, msg.name);
	},

	async typing({ services, who }, msg) {
		await services.typing.typing(who, msg);
	},

	async read({ services, who }, msg) {
		await services.receipts.markRead(who, msg.message_id);
	},

	async get_receipts({ services, conn, who }, msg) {
		const readBy = await services.receipts.receipts(who, msg.message_id);
		conn.sendEvent(events.receipts({ message_id: msg.message_id, read_by: readBy }));
	}
};
