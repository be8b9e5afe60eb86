import { json } from '@sveltejs/kit';
import { postMessageBody } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { toWire, wirePage } from '$lib/protocol/wire';
import { api, historyParams, parseBody, readJson, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const { at, limit } = historyParams(event.url);
		const { page } = await getApp().chat.roomHistory(who, event.params.name, at, limit);
		return json(wirePage(page, who.id));
	});

/**
 * Posts to a room, the way scripts and bots do (PROTOCOL.md §10): 201 with the message
 * object once committed; a client_id used before answers 200 with the original.
 */
export const POST: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const body = parseBody(postMessageBody, await readJson(event.request));
		const { message, duplicate } = await getApp().chat.sendToRoom(who, {
			room: event.params.name,
			content: body.content,
			kind: 'text',
			clientId: body.client_id,
			replyTo: body.reply_to
		});
		return json(toWire(message, who.id), { status: duplicate ? 200 : 201 });
	});
