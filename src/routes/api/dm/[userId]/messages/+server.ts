import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { toWire } from '$lib/server/chat/messages';
import { notFound } from '$lib/server/errors';
import { api, pageParams, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const peerId = Number(event.params.userId);
		if (!Number.isSafeInteger(peerId) || peerId < 1) throw notFound('User not found');
		const { before, limit } = pageParams(event.url);
		const { page } = await getApp().chat.dmHistory(who, peerId, before, limit);
		return json({ messages: page.messages.map((m) => toWire(m, who.id)), has_more: page.has_more });
	});
