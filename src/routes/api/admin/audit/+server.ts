import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import { api, pageParams, requireAdmin } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * The audit log, newest first: `limit` (1–100, default 50), `before` (an entry id) to page
 * back, `names=1` to add actor_name and target_name for display.
 */
export const GET: RequestHandler = (event) =>
	api(async () => {
		await requireAdmin(event);
		const { before, limit } = pageParams(event.url);
		const withNames = event.url.searchParams.get('names') === '1';
		const rows = await getApp().moderation.auditLog({ limit, before });
		return json(withNames ? rows : rows.map(withoutNames));
	});

function withoutNames<T extends { actor_name?: unknown; target_name?: unknown }>(row: T) {
	const copy: Partial<T> = { ...row };
	delete copy.actor_name;
	delete copy.target_name;
	return copy;
}
