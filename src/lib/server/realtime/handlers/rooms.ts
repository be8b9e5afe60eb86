import { systemEvent } from '$lib/protocol/events';
import { toWire } from '../../chat/messages';
import type { Room } from '../../chat/rooms';
import type { HandlerContext, HandlerMap } from './types';

/** Page size of the history that comes with `room_joined` (get_history's default). */
const JOIN_HISTORY = 50;

/**
 * Subscribes this connection, answers `room_joined` with the room's latest page, then
 * stores the membership, which announces `member_joined` to the room (the joiner's other
 * tabs subscribe then too). All synchronous, so no message falls between page and live.
 */
function joinAndAnswer({ services, conn, who }: HandlerContext, room: Room) {
	services.hub.subscribe(conn, room.name);
	const page = services.chat.latestPage(room, JOIN_HISTORY);
	conn.sendEvent(
		systemEvent('room_joined', {
			room: room.name,
			topic: room.topic,
			history: { messages: page.messages.map((m) => toWire(m, who.id)), has_more: page.has_more }
		})
	);
	services.chat.join(who, room.name);
}

export const roomHandlers: HandlerMap = {
	get_rooms({ services, conn, who }) {
		conn.sendEvent(systemEvent('rooms', services.chat.roomSummaries(who)));
	},

	create_room(ctx, msg) {
		const room = ctx.services.chat.createRoom(ctx.who, msg.name, msg.topic);
		joinAndAnswer(ctx, room);
	},

	join_room(ctx, msg) {
		joinAndAnswer(ctx, ctx.services.chat.requireRoom(msg.room));
	},

	/** Membership belongs to the user: every tab of theirs gets `room_left` (the service publishes it). */
	leave_room({ services, who }, msg) {
		services.chat.leave(who, msg.room);
	}
};
