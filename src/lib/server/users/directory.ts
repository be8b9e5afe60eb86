import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { DirectoryPage, DirectoryUser } from '$lib/protocol/directory';

/** Longest search text and largest page the directory answers (one page is bounded work). */
export const DIRECTORY_MAX_QUERY = 64;
export const DIRECTORY_MAX_LIMIT = 50;
/** Paging stops here: past it, narrow the search instead (keeps OFFSET scans cheap). */
export const DIRECTORY_MAX_OFFSET = 5000;

export const directoryQuerySchema = z.object({
	q: z.string().trim().max(DIRECTORY_MAX_QUERY).default(''),
	limit: z.coerce.number().int().min(1).max(DIRECTORY_MAX_LIMIT).default(30),
	offset: z.coerce.number().int().min(0).max(DIRECTORY_MAX_OFFSET).default(0)
});
export type DirectoryQuery = z.output<typeof directoryQuerySchema>;

interface Row {
	id: number;
	username: string;
	name: string;
	role: string;
}

/**
 * The people directory (`GET /api/users`): every account that is not banned whose username
 * or display name contains `q`, the ones online now first, then by display name. Guests are
 * not accounts and are listed by the sidebar's "Online now" instead. `online` maps the ids
 * online now to their live display name (a rename is live before it is stored).
 */
export function searchDirectory(
	sqlite: Database,
	query: DirectoryQuery,
	online: ReadonlyMap<number, string>
): DirectoryPage {
	const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const rows = sqlite
		.prepare(
			`SELECT id, username, name, role FROM users
			  WHERE banned_at IS NULL
			    AND (username LIKE :like ESCAPE '\\' OR name LIKE :like ESCAPE '\\')
			  ORDER BY (id IN (SELECT value FROM json_each(:online))) DESC,
			           name COLLATE NOCASE, id
			  LIMIT :limit OFFSET :offset`
		)
		.all({
			like,
			online: JSON.stringify([...online.keys()]),
			limit: query.limit + 1,
			offset: query.offset
		}) as Row[];
	const users: DirectoryUser[] = rows.slice(0, query.limit).map((r) => ({
		id: r.id,
		username: r.username,
		name: online.get(r.id) ?? r.name,
		is_admin: r.role === 'admin',
		online: online.has(r.id)
	}));
	const hasMore = rows.length > query.limit && query.offset + query.limit <= DIRECTORY_MAX_OFFSET;
	return { users, has_more: hasMore, next_offset: hasMore ? query.offset + query.limit : null };
}

/** One directory entry by id (the profile card), or undefined for no such (or a banned) account. */
export function directoryUser(
	sqlite: Database,
	id: number,
	online: ReadonlyMap<number, string>
): DirectoryUser | undefined {
	const r = sqlite
		.prepare('SELECT id, username, name, role FROM users WHERE id = ? AND banned_at IS NULL')
		.get(id) as Row | undefined;
	if (!r) return undefined;
	return {
		id: r.id,
		username: r.username,
		name: online.get(r.id) ?? r.name,
		is_admin: r.role === 'admin',
		online: online.has(r.id)
	};
}
