import { systemEvent } from '$lib/protocol/events';
import { toWire, type SubmitResult } from '../../chat/messages';
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
			receivedAt: ctx.receivedAt
		});
		answerDuplicate(ctx, result);
	},

	async image(ctx, msg) {
		const result = await ctx.services.chat.sendToRoom(ctx.who, {
			room: msg.room,
			content: msg.url,
			kind: 'image',
			clientId: msg.client_id,
			receivedAt: ctx.receivedAt
		});
		answerDuplicate(ctx, result);
	},

	async private_message(ctx, msg) {
		const result = await ctx.services.chat.sendDirect(ctx.who, {
			toId: msg.to_id,
			content: msg.content,
			clientId: msg.client_id,
			receivedAt: ctx.receivedAt
		});
		answerDuplicate(ctx, result);
	},

	async get_history({ services, conn, who }, msg) {
		const limit = msg.limit ?? 50;
		if (msg.with !== undefined) {
			const { page } = await services.chat.dmHistory(who, msg.with, msg.before, limit);
			conn.sendEvent(
				systemEvent('history', {
					with: msg.with,
					messages: page.messages.map((m) => toWire(m, who.id)),
					has_more: page.has_more
				})
			);
			return;
		}
		const { room, page } = await services.chat.roomHistory(
			who,
			msg.room ?? DEFAULT_ROOM,
			msg.before,
			limit
		);
		conn.sendEvent(await services.history.roomEvent(who.id, room.name, page, msg.before));
	},

	/**
	 * Everything committed up to `subscribedUpTo` the client missed; later messages reach the
	 * connection live. Live events held since the connection sequence go out right after the
	 * missed ones, so the client sees one id-ordered stream, each id once, then `resumed`
	 * (the gateway releases them only once this handler has run, see Gateway.onFrame).
	 */
	async resume({ services, conn, who }, msg) {
		const upTo = Math.max(conn.subscribedUpTo, msg.after_id);
		const { messages, truncated } = await services.chat.missed(who, msg.after_id, upTo);
		conn.release(messages.map((m) => JSON.stringify(toWire(m, who.id))));
		const lastMissed = messages.length ? messages[messages.length - 1].id : 0;
		const lastId = Math.max(msg.after_id, lastMissed, conn.lastLiveId);
		conn.sendEvent(
			systemEvent('resumed', truncated ? { last_id: lastId, truncated: true } : { last_id: lastId })
		);
	}
};
