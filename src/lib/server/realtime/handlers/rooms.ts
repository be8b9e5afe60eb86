import { events } from '$lib/protocol/events';
import { historyPage } from '$lib/protocol/wire';
import type { Room } from '../../chat/rooms';
import type { HandlerContext, HandlerMap } from './types';

/** Page size of the history that comes with `room_joined` (get_history's default). */
const JOIN_HISTORY = 50;

/**
 * Subscribes this connection, answers `room_joined` with the room's latest page, then
 * stores the membership, which announces `member_joined` to the room (the joiner's other
 * tabs subscribe then too). No message may fall between page and live: with SQLite every
 * storage promise is settled when returned, so the awaits below run as microtasks, and the
 * group commit publishes only from its own setImmediate turn; nothing is committed and
 * fanned out between the subscription and the page. (A networked store answers in later
 * turns; there the client's de-duplication by id closes the gap, issues 11 and 12.)
 */
async function joinAndAnswer({ services, conn, who }: HandlerContext, room: Room) {
	services.hub.subscribe(conn, room.name);
	const page = await services.chat.latestPage(room, JOIN_HISTORY);
	conn.sendEvent(
		events.roomJoined({
			room: room.name,
			topic: room.topic,
			history: historyPage(page.messages, page.has_more, who.id),
			...(room.isPrivate && { private: true as const }),
			...(room.createdBy !== null && { created_by: room.createdBy }),
			...(room.archived && { archived: true as const })
		})
	);
	try {
		await services.chat.join(who, room.name);
	} catch (err) {
		// Not a member after all: stop listening (a send checks membership by the subscription).
		services.hub.unsubscribe(conn, room.name);
		throw err;
	}
}

export const roomHandlers: HandlerMap = {
	async get_rooms({ services, conn, who }) {
		const rooms = await services.chat.roomSummaries(who);
		conn.sendEvent(events.rooms(await services.notifications.decorateRooms(who, rooms)));
	},

	async create_room(ctx, msg) {
		const room = await ctx.services.chat.createRoom(ctx.who, msg.name, msg.topic, msg.private);
		await joinAndAnswer(ctx, room);
	},

	/** A private room is joined only by its members (others are invited): not_found to the rest. */
	async join_room(ctx, msg) {
		await joinAndAnswer(ctx, await ctx.services.chat.requireJoinable(ctx.who, msg.room));
	},

	/** The invitee's connections get `room_joined` (with `invited_by`); the room `member_joined`. */
	async invite({ services, who }, msg) {
		await services.members.invite(who, msg.room, msg.user_id);
	},

	/** Everyone who can see the room gets `room_updated` (the service publishes it). */
	async update_room({ services, who }, msg) {
		await services.settings.update(who, msg.room, {
			topic: msg.topic,
			isPrivate: msg.private,
			archived: msg.archived
		});
	},

	/** The removed member's connections get `room_left` at once; the room `member_left`. */
	async remove_member({ services, who }, msg) {
		await services.members.remove(who, msg.room, msg.user_id);
	},

	/** Membership belongs to the user: every tab of theirs gets `room_left` (the service publishes it). */
	async leave_room({ services, who }, msg) {
		await services.chat.leave(who, msg.room);
	}
};
