import { json } from '@sveltejs/kit';
import { editMessageBody } from '$lib/protocol/client';
import { getApp } from '$lib/server/app';
import { toWire } from '$lib/protocol/wire';
import { ServiceError, notFound } from '$lib/server/errors';
import { api, parseBody, readJson, requireUser } from '$lib/server/http';
import type { RequestHandler } from './$types';

function idOf(param: string): number {
	const id = Number(param);
	if (!/^\d{1,16}$/.test(param) || !Number.isSafeInteger(id) || id < 1)
		throw new ServiceError('invalid_input', 'The message id must be a positive integer', 400);
	return id;
}

/** Edits one's own text message (PROTOCOL.md §10): 200 with the message object as it is now. */
export const PATCH: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		const id = idOf(event.params.id);
		const { content } = parseBody(editMessageBody, await readJson(event.request));
		const app = getApp();
		await app.changes.edit(who, id, content);
		const message = await app.chat.store.get(id);
		if (!message) throw notFound('Message not found');
		return json(toWire(message, who.id));
	});

/** Deletes one's own message, or any room message for an admin: 204. */
export const DELETE: RequestHandler = (event) =>
	api(async () => {
		const who = requireUser(event);
		await getApp().changes.delete(who, idOf(event.params.id));
		return new Response(null, { status: 204 });
	});
