import { isOneEmoji, MAX_DISTINCT_EMOJI } from '$lib/protocol/message-rules';
import { ServiceError, forbidden, notFound } from '../errors';
import type { Identity } from '../realtime/connection';
import type { ChangeOp, ChangeRecord, ChangeResult } from '../storage/messages';
import { assertWritable, type MessageAccess } from './access';
import type { MessageStore, StoredMessage } from './messages';
import type { MessageReferences, Place } from './references';
import { DEFAULT_ROOM, type RoomService } from './rooms';
import type { SendRules } from './send-rules';

/** Records an admin's deletion of someone else's message in the audit log. */
export interface DeletionAudit {
	messageDeleted(actor: Identity, authorId: number): Promise<void>;
}

/**
 * Changes to sent messages (PROTOCOL.md §10): edit, delete, react, and reading a thread.
 * The checks run here (who may, what is valid); the change itself joins the message log's
 * write queue, so it takes its seq in order with new messages, and the log publishes it.
 */
export class MessageChanges {
	constructor(
		private readonly store: Pick<MessageStore, 'change' | 'threadPage' | 'get'>,
		private readonly rules: Pick<SendRules, 'admit' | 'text'>,
		private readonly rooms: Pick<RoomService, 'getById'>,
		private readonly access: Pick<MessageAccess, 'visible'>,
		private readonly refs: Pick<MessageReferences, 'mentions'>,
		private readonly mutes: { assertCanSend(userId: number): void },
		private readonly audit: DeletionAudit,
		/** Erases the files a deleted message carried (files/service.ts), after the commit. */
		private readonly removeFiles: (messageIds: number[]) => Promise<void> = async () => {}
	) {}

	/**
	 * The author's own text messages; counts against the send rate, refused while muted.
	 * Like a send, the edit takes its place in the write queue before its checks read
	 * storage (they run while it waits), so the connection's next frame need not wait.
	 */
	edit(who: Identity, messageId: number, content: string): Promise<ChangeRecord> {
		const body = this.rules.text(content);
		const admitted = this.rules.admit(who);
		const checked = (async (): Promise<ChangeOp> => {
			if (admitted) await admitted;
			const message = this.writable(await this.access.visible(who, messageId));
			if (message.senderId !== who.id) throw forbidden('You can only edit your own messages');
			if (message.kind !== 'text') throw forbidden('Only text messages can be edited');
			const mentions = await this.refs.mentions(body, this.placeOf(message), who);
			return { kind: 'edit', messageId, actor: who, body, ...mentions };
		})();
		return this.commit(checked);
	}

	/** The author, or an admin (audited against the author). Allowed while muted. */
	async delete(who: Identity, messageId: number): Promise<ChangeRecord> {
		let authorId = who.id;
		const checked = this.deletable(who, messageId).then((message): ChangeOp => {
			authorId = message.senderId;
			return { kind: 'delete', messageId, actor: who };
		});
		const change = await this.commit(checked);
		if (authorId !== who.id) await this.audit.messageDeleted(who, authorId);
		await this.removeFiles([messageId]);
		return change;
	}

	/** Toggles one emoji; holding it already (or not holding it) changes and sends nothing. */
	async react(who: Identity, messageId: number, emoji: string, on: boolean): Promise<void> {
		if (!isOneEmoji(emoji))
			throw new ServiceError('invalid_message', 'A reaction is one emoji (at most 32 bytes)');
		this.mutes.assertCanSend(who.id);
		const checked = this.access.visible(who, messageId).then((message): ChangeOp => {
			this.writable(message);
			return {
				kind: 'reaction',
				messageId,
				actor: who,
				emoji,
				on,
				maxDistinct: MAX_DISTINCT_EMOJI
			};
		});
		const result = await this.store.change(checked);
		if ('refused' in result && result.refused === 'too_many')
			throw new ServiceError(
				'invalid_message',
				`A message can have at most ${MAX_DISTINCT_EMOJI} different reactions`
			);
		if ('refused' in result && result.refused === 'not_found') throw notFound('Message not found');
	}

	/** A thread: its root (any message of it may be named) and a page of its replies. */
	async thread(who: Identity, messageId: number, before: number | undefined, limit: number) {
		const named = await this.access.visible(who, messageId);
		const rootId = named.thread?.rootId ?? named.id;
		const root = rootId === named.id ? named : await this.store.get(rootId);
		if (!root) throw notFound('The thread’s first message was deleted');
		return { root, page: await this.store.threadPage(rootId, before, limit) };
	}

	/** Own messages anywhere one can see them; an admin any room message (not others' DMs). */
	private async deletable(who: Identity, messageId: number): Promise<StoredMessage> {
		const message = await this.store.get(messageId);
		if (!message) throw notFound('Message not found');
		if (who.isAdmin && message.roomId !== null) return this.writable(message);
		const visible = this.writable(await this.access.visible(who, messageId));
		if (visible.senderId !== who.id) throw forbidden('You can only delete your own messages');
		return visible;
	}

	/** A room message can change only while its room is not archived (issue 15: read-only). */
	private writable(message: StoredMessage): StoredMessage {
		const room = message.roomId === null ? undefined : this.rooms.getById(message.roomId);
		if (room) assertWritable(room);
		return message;
	}

	private async commit(op: Promise<ChangeOp>): Promise<ChangeRecord> {
		const result: ChangeResult = await this.store.change(op);
		if ('refused' in result) throw notFound('Message not found');
		return result.change;
	}

	private placeOf(m: StoredMessage): Place {
		if (m.roomId === null) return { parties: [m.senderId, m.recipientId!] };
		return { roomId: m.roomId, everyone: this.rooms.getById(m.roomId)?.name === DEFAULT_ROOM };
	}
}
