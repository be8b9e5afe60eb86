import { events } from '$lib/protocol/events';
import { changeEvent, historyPage, toWire, wirePage } from '$lib/protocol/wire';
import type { SubmitResult } from '../../chat/messages';
import { fileContent } from '../../files/service';
import { DEFAULT_ROOM } from '../../chat/rooms';
import type { HandlerContext, HandlerMap } from './types';

/**
 * The echo to the sender's connections is the acknowledgement and comes from the fan-out
 * after commit. A repeated client_id stores nothing new: only this connection gets the
 * original message back.
 */
function answerDuplicate({ conn, who }: HandlerContext, result: SubmitResult) {
	if (result.duplicate) conn.sendEvent(toWire(result.message, who.id));
}

export const messageHandlers: HandlerMap = {
	async message(ctx, msg) {
		const result = await ctx.services.chat.sendToRoom(ctx.who, {
			room: msg.room,
			content: msg.content,
			kind: 'text',
			clientId: msg.client_id,
			replyTo: msg.reply_to,
			receivedAt: ctx.receivedAt,
			listens: ctx.conn.rooms
		});
		answerDuplicate(ctx, result);
	},

	async image(ctx, msg) {
		const result = await ctx.services.chat.sendToRoom(ctx.who, {
			room: msg.room,
			content: msg.url,
			kind: 'image',
			clientId: msg.client_id,
			replyTo: msg.reply_to,
			receivedAt: ctx.receivedAt,
			listens: ctx.conn.rooms
		});
		answerDuplicate(ctx, result);
	},

	/**
	 * Posts an upload (PROTOCOL.md §12). Not ordered by the write queue alone: the upload is
	 * looked up first, so the connection's next frame waits for this one (frames.ts).
	 */
	async file(ctx, msg) {
		const upload = await ctx.services.files.claim(ctx.who, msg.upload_id, msg.client_id);
		const result = await ctx.services.chat.sendFile(ctx.who, {
			uploadId: upload.id,
			content: fileContent(upload),
			caption: msg.content,
			room: msg.room,
			toId: msg.to_id,
			clientId: msg.client_id,
			replyTo: msg.reply_to,
			receivedAt: ctx.receivedAt,
			listens: ctx.conn.rooms
		});
		answerDuplicate(ctx, result);
	},

	async private_message(ctx, msg) {
		const result = await ctx.services.chat.sendDirect(ctx.who, {
			toId: msg.to_id,
			content: msg.content,
			clientId: msg.client_id,
			replyTo: msg.reply_to,
			receivedAt: ctx.receivedAt
		});
		answerDuplicate(ctx, result);
	},

	async edit_message({ services, who }, msg) {
		await services.changes.edit(who, msg.message_id, msg.content);
	},

	async delete_message({ services, who }, msg) {
		await services.changes.delete(who, msg.message_id);
	},

	/** No answer of its own: everyone who can see the message (the reactor too) gets `reaction`. */
	async react({ services, who }, msg) {
		await services.changes.react(who, msg.message_id, msg.emoji, msg.on ?? true);
	},

	async get_thread({ services, conn, who }, msg) {
		const { root, page } = await services.changes.thread(
			who,
			msg.message_id,
			msg.before,
			msg.limit ?? 50
		);
		conn.sendEvent(
			events.thread(toWire(root, who.id), historyPage(page.messages, page.has_more, who.id))
		);
	},

	async get_history({ services, conn, who }, msg) {
		const limit = msg.limit ?? 50;
		const at = { before: msg.before, around: msg.around, after: msg.after };
		if (msg.with !== undefined) {
			const { page } = await services.chat.dmHistory(who, msg.with, at, limit);
			conn.sendEvent(events.history({ with: msg.with, ...wirePage(page, who.id) }));
			return;
		}
		const { room, page } = await services.chat.roomHistory(
			who,
			msg.room ?? DEFAULT_ROOM,
			at,
			limit
		);
		conn.sendEvent(await services.history.roomEvent(who.id, room.name, page, at));
	},

	/**
	 * Every change committed up to `subscribedUpTo` the client missed (new messages in their
	 * current state, edits, deletions, reactions: PROTOCOL.md §10); later ones reach the
	 * connection live. Live events held since the connection sequence go out right after the
	 * missed ones, so the client sees one seq-ordered stream, each change once, then `resumed`
	 * (the gateway releases them only once this handler has run, see Gateway.onFrame).
	 */
	async resume({ services, conn, who }, msg) {
		const upTo = Math.max(conn.subscribedUpTo, msg.after_id);
		const { entries, truncated } = await services.chat.missed(who, msg.after_id, upTo);
		conn.release(
			entries.map((e) =>
				JSON.stringify('message' in e ? toWire(e.message, who.id) : changeEvent(e.change, who.id))
			)
		);
		const last = entries.at(-1);
		const lastMissed = !last ? 0 : 'message' in last ? last.message.id : last.change.seq;
		const lastId = Math.max(msg.after_id, lastMissed, conn.lastLiveId);
		conn.sendEvent(
			events.resumed(truncated ? { last_id: lastId, truncated: true } : { last_id: lastId })
		);
	}
};
