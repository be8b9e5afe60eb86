import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Identity } from './realtime/connection';
import { ServiceError } from './errors';
import { getApp } from './app';
import type { HistoryPosition } from './chat/history-window';

/** `{"error": {code, message}}` with a fitting status, as PROTOCOL.md §9 says. */
export function errorResponse(
	code: string,
	message: string,
	status: number,
	headers: Record<string, string> = {}
) {
	return json({ error: { code, message } }, { status, headers });
}

/** Runs an API handler, turning ServiceErrors (and bad JSON) into the API's error shape. */
export async function api(fn: () => Response | Promise<Response>): Promise<Response> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof ServiceError) {
			const headers: Record<string, string> = {};
			if (err.details.retryAfterSeconds !== undefined)
				headers['Retry-After'] = String(err.details.retryAfterSeconds);
			return json(
				{
					error: {
						code: err.code,
						message: err.message,
						// Which input was wrong, so a form can show the error beside that field.
						...(err.details.field && { field: err.details.field }),
						...err.details.params
					}
				},
				{ status: err.status, headers }
			);
		}
		if (err instanceof SyntaxError)
			return errorResponse('invalid_json', 'Request body is not valid JSON', 400);
		throw err;
	}
}

export async function readJson(request: Request): Promise<unknown> {
	const text = await request.text();
	return text ? JSON.parse(text) : {};
}

/** The logged-in user as an Identity, or a 401 ServiceError. */
export function requireUser(event: RequestEvent): Identity {
	const user = event.locals.user;
	if (!user) throw new ServiceError('unauthorized', 'Log in first', 401);
	const online = getApp().hub.identityOf(user.id);
	return {
		id: user.id,
		name: online?.name ?? user.name,
		username: user.username,
		isAdmin: user.isAdmin,
		isGuest: false,
		sessionId: event.locals.sessionId
	};
}

/** The logged-in admin: 401 when logged out, 403 for everyone else. */
export async function requireAdmin(event: RequestEvent): Promise<Identity> {
	const who = requireUser(event);
	await getApp().moderation.assertAdmin(who);
	return who;
}

/** Parses a body with a schema; the first problem becomes a 400 `invalid_input`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
	const parsed = schema.safeParse(body);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
	throw new ServiceError('invalid_input', `${where}${issue.message}`, 400, {
		field: issue.path.length ? String(issue.path[0]) : undefined
	});
}

export function publicUser(user: { id: number; username: string; name: string; isAdmin: boolean }) {
	return { id: user.id, username: user.username, name: user.name, is_admin: user.isAdmin };
}

/** Parses `before` and `limit` query parameters for history pages. */
export function pageParams(url: URL): { before: number | undefined; limit: number } {
	const before = url.searchParams.get('before');
	const limit = url.searchParams.get('limit');
	const b = before === null ? undefined : Number(before);
	const l = limit === null ? 50 : Number(limit);
	if (b !== undefined && (!Number.isSafeInteger(b) || b < 1)) {
		throw new ServiceError('invalid_input', 'before must be a positive message id', 400);
	}
	if (!Number.isInteger(l) || l < 1 || l > 100)
		throw new ServiceError('invalid_input', 'limit must be 1-100', 400);
	return { before: b, limit: l };
}

/**
 * `pageParams` of a conversation's history: the position is `before`, `around` or `after`
 * (at most one; docs/protocol.md, "History around a message").
 */
export function historyParams(url: URL): { at: HistoryPosition; limit: number } {
	const { before, limit } = pageParams(url);
	const at: HistoryPosition = before === undefined ? {} : { before };
	for (const key of ['around', 'after'] as const) {
		const value = url.searchParams.get(key);
		if (value === null) continue;
		const id = Number(value);
		if (!Number.isSafeInteger(id) || id < 1)
			throw new ServiceError('invalid_input', `${key} must be a positive message id`, 400);
		if (Object.keys(at).length)
			throw new ServiceError('invalid_input', 'Give at most one of before, around and after', 400);
		at[key] = id;
	}
	return { at, limit };
}
