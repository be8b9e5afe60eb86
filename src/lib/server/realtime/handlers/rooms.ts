import { systemEvent } from '$lib/protocol/events';
import { toWire } from '../../chat/messages';
import { ServiceError } from '../../errors';
import type { HandlerMap } from './types';

export const roomHandlers: HandlerMap = {
	get_rooms({ app, conn, who }) {
		conn.sendEvent(systemEvent('rooms', app.roomSummaries(who)));
	},

	create_room({ app, conn, who }, msg) {
		const room = app.chat.rooms.create(msg.name, msg.topic, who, !who.isGuest);
		// The creator joins: every tab of theirs subscribes and the room hears member_joined.
		app.chat.join(who, room.name);
		app.hub.subscribe(conn, room.name);
		conn.sendEvent(
			systemEvent('room_joined', {
				room: room.name,
				topic: room.topic,
				history: { messages: [], has_more: false }
			})
		);
	},

	join_room({ app, conn, who }, msg) {
		const room = app.chat.rooms.get(msg.room);
		if (!room) throw new ServiceError('not_found', `Room not found: ${msg.room}`, 404);
		app.chat.join(who, room.name);
		// Every tab of an account follows its memberships; the fan-out subscribes the others.
		app.hub.subscribe(conn, room.name);
		const page = app.chat.store.roomPage(room.id, undefined, 50);
		conn.sendEvent(
			systemEvent('room_joined', {
				room: room.name,
				topic: room.topic,
				history: { messages: page.messages.map((m) => toWire(m, who.id)), has_more: page.has_more }
			})
		);
	},

	leave_room({ app, conn, who }, msg) {
		const room = app.chat.leave(who, msg.room);
		app.hub.unsubscribe(conn, room.name);
		conn.sendEvent(systemEvent('room_left', { room: room.name }));
	}
};
