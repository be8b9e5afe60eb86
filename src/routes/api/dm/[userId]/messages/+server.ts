import { json } from '@sveltejs/kit';
import { postMessageBody } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { toWire, wirePage } from '$lib/protocol/wire';
import { notFound } from '$lib/server/errors';
import { api, historyParams, parseBody, readJson, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

function peerOf(param: string): number {
	const peerId = Number(param);
	if (!Number.isSafeInteger(peerId) || peerId < 1) throw notFound('User not found');
	return peerId;
}

export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const peerId = peerOf(event.params.userId);
		const { at, limit } = historyParams(event.url);
		const { page } = await getApp().chat.dmHistory(who, peerId, at, limit);
		return json(wirePage(page, who.id));
	});

/** Sends a DM (PROTOCOL.md §10): 201 with the message object; 200 for a repeated client_id. */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const toId = peerOf(event.params.userId);
		const body = parseBody(postMessageBody, await readJson(event.request));
		const { message, duplicate } = await getApp().chat.sendDirect(who, {
			toId,
			content: body.content,
			clientId: body.client_id,
			replyTo: body.reply_to
		});
		return json(toWire(message, who.id), { status: duplicate ? 200 : 201 });
	});
