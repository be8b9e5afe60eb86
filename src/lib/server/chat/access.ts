import { ServiceError, forbidden, notFound } from '../errors';
import type { Identity } from '../realtime/connection';
import type { StoredMessage } from './messages';
import type { Room } from './rooms';

/**
 * The refusal for someone outside a room: `forbidden` for a public room (its existence is
 * public; the room says so), `not_found` for a private one, exactly as for a room that does
 * not exist — nobody outside learns it is there (issue 15).
 */
export function notInRoom(room: Room): ServiceError {
	return room.isPrivate
		? notFound(`Room not found: ${room.name}`)
		: forbidden(`You are not in ${room.name}`);
}

/**
 * An archived room is read-only (issue 15): every write into it (messages, files, edits,
 * deletions, reactions, typing, invitations, joins of non-members) is refused with `archived`
 * (403), once the writer passed the membership check — a private room's outsiders still get
 * `not_found` and learn nothing. Unarchiving puts it back.
 */
export function assertWritable(room: Room): void {
	if (room.archived)
		throw new ServiceError(
			'archived',
			`${room.name} is archived: it is read-only until it is unarchived`,
			403
		);
}

/** What deciding who may see a message needs. */
export interface AccessDeps {
	message(id: number): Promise<StoredMessage | undefined>;
	room(id: number): Room | undefined;
	isMember(who: Identity, room: Room): Promise<boolean>;
}

/**
 * Who may see a message: the members of its room, the two parties of a DM. A DM (or a
 * deleted message) is `not_found` to everyone else: its existence is private. A room
 * message is `forbidden` to someone outside the room (rooms are public; the room says so).
 */
export class MessageAccess {
	constructor(private readonly deps: AccessDeps) {}

	async visible(who: Identity, messageId: number): Promise<StoredMessage> {
		const message = await this.deps.message(messageId);
		if (!message) throw notFound('Message not found');
		if (message.roomId !== null) {
			const room = this.deps.room(message.roomId)!;
			if (!(await this.deps.isMember(who, room))) throw notInRoom(room);
		} else if (message.senderId !== who.id && message.recipientId !== who.id) {
			throw notFound('Message not found');
		}
		return message;
	}
}
