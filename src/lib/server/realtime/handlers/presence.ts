import { systemEvent } from '$lib/protocol/events';
import { ServiceError } from '../../errors';
import type { HandlerMap } from './types';

export const presenceHandlers: HandlerMap = {
	ping({ conn }) {
		conn.sendEvent(systemEvent('pong'));
	},

	get_users({ app, conn }) {
		conn.sendEvent(systemEvent('users', app.hub.onlineUsers()));
	},

	get_stats({ app, conn }) {
		conn.sendEvent(systemEvent('stats', app.stats()));
	},

	/** A rename reaches everyone, so a muted user cannot; see identity/names.ts for the rules. */
	set_name({ app, who }, msg) {
		const name = app.names.validate(who, msg.name);
		app.moderation.assertCanSend(who.id);
		const old = who.name;
		app.renameUser(who.id, name);
		const data = { old_name: old, new_name: name };
		app.hub.toUser(
			who.id,
			JSON.stringify({ ...systemEvent('name_changed', data), from_id: who.id, from_name: name })
		);
		app.hub.toAll(
			JSON.stringify({
				...systemEvent('user_renamed', { user_id: who.id, ...data }),
				from_id: who.id,
				from_name: name
			}),
			who.id
		);
	},

	typing({ app, who }, msg) {
		if (app.moderation.isMuted(who.id)) return; // a muted user's typing is dropped silently
		const base = { user_id: who.id, user_name: who.name, is_typing: msg.is_typing };
		if (msg.to_id !== undefined) {
			const peer = app.chat.resolveUser(msg.to_id);
			const event = {
				...systemEvent('typing', { ...base, with: who.id }),
				from_id: who.id,
				from_name: who.name
			};
			if (peer.id !== who.id) app.hub.toUser(peer.id, JSON.stringify(event));
			return;
		}
		const room = app.chat.rooms.require(msg.room);
		if (!app.chat.isMember(who, room))
			throw new ServiceError('forbidden', `You are not in ${room.name}`, 403);
		const event = {
			...systemEvent('typing', { ...base, room: room.name }),
			from_id: who.id,
			from_name: who.name
		};
		app.hub.toRoom(room.name, JSON.stringify(event), who.id);
	},

	read({ app, who }, msg) {
		app.receipts.markRead(who, msg.message_id);
	},

	get_receipts({ app, conn, who }, msg) {
		const readBy = app.receipts.receipts(who, msg.message_id);
		conn.sendEvent(systemEvent('receipts', { message_id: msg.message_id, read_by: readBy }));
	}
};
