import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { toWire } from '$lib/server/chat/messages';
import { api, pageParams, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const { before, limit } = pageParams(event.url);
		const { page } = await getApp().chat.roomHistory(who, event.params.name, before, limit);
		return json({ messages: page.messages.map((m) => toWire(m, who.id)), has_more: page.has_more });
	});
