import { z } from 'zod';
import type { DirectoryPage, DirectoryUser } from '$lib/protocol/directory';
import { profileFields } from '../profiles/service';
import type { DirectoryRecord, DirectoryRepository } from '../storage/directory';

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

/**
 * The people directory (`GET /api/users`): every account that is not banned whose username
 * or display name contains `q`, the ones online now first, then by display name. Guests are
 * not accounts and are listed by the sidebar's "Online now" instead. `online` maps the ids
 * online now to their live display name (a rename is live before it is stored).
 */
export async function searchDirectory(
	directory: DirectoryRepository,
	query: DirectoryQuery,
	online: ReadonlyMap<number, string>
): Promise<DirectoryPage> {
	const rows = await directory.search({
		q: query.q,
		online: [...online.keys()],
		limit: query.limit + 1,
		offset: query.offset
	});
	const users = rows.slice(0, query.limit).map((r) => entry(r, online));
	const hasMore = rows.length > query.limit && query.offset + query.limit <= DIRECTORY_MAX_OFFSET;
	return { users, has_more: hasMore, next_offset: hasMore ? query.offset + query.limit : null };
}

/** One directory entry by id (the profile card), or undefined for no such (or a banned) account. */
export async function directoryUser(
	directory: DirectoryRepository,
	id: number,
	online: ReadonlyMap<number, string>
): Promise<DirectoryUser | undefined> {
	const r = await directory.byId(id);
	return r && entry(r, online);
}

function entry(r: DirectoryRecord, online: ReadonlyMap<number, string>): DirectoryUser {
	return {
		id: r.id,
		username: r.username,
		name: online.get(r.id) ?? r.name,
		is_admin: r.role === 'admin',
		online: online.has(r.id),
		...profileFields({ id: r.id, avatar: r.avatar, status: r.status, timeZone: r.time_zone })
	};
}
