import { events } from '$lib/protocol/events';
import { stateOf } from '../online';
import type { HandlerMap } from './types';

/** `get_users {after_id}` without a `limit`. */
const USERS_PAGE_DEFAULT = 500;

export const presenceHandlers: HandlerMap = {
	ping({ conn }) {
		conn.sendEvent(events.pong());
	},

	/** Paged with `after_id` / `limit`; without, the list as version 1 (capped when large). */
	async get_users({ services, conn }, msg) {
		const { online, presenceBroadcastMax: max } = services;
		if (msg.after_id === undefined && msg.limit === undefined) {
			conn.sendEvent(events.users(await online.someUsers(max)));
			return;
		}
		const limit = msg.limit ?? USERS_PAGE_DEFAULT;
		// One more than asked tells whether the page ends the list.
		const [page, usersOnline] = await Promise.all([
			online.usersPage(msg.after_id ?? 0, limit + 1),
			online.usersOnline()
		]);
		const users = page.slice(0, limit);
		conn.sendEvent(
			events.usersPage({
				users,
				next_after_id: page.length > limit ? users[users.length - 1]!.id : null,
				users_online: usersOnline
			})
		);
	},

	/** What this connection hears of presence above the threshold; answered with the state now. */
	async watch_presence({ services, conn }, msg) {
		const ids = msg.user_ids ?? [];
		services.hub.watch(conn, msg.all ?? false, ids);
		const [state, usersOnline] = await Promise.all([
			stateOf(services.online, ids),
			services.online.usersOnline()
		]);
		conn.sendEvent(events.presence({ users_online: usersOnline, ...state }));
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
