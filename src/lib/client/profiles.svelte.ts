import { SvelteMap } from 'svelte/reactivity';
import type { ProfileFields } from '$lib/protocol/payloads';

/** A profile as `GET /api/profiles` and `profile_updated` carry it. */
export type Profile = ProfileFields;

/** Ids asked for in one request (the server's limit). */
const BATCH = 100;
const NONE: Profile = { avatar_url: null, status: '', time_zone: '' };

/**
 * Avatars, status texts and time zones of the people the page shows (docs/protocol.md,
 * "Profiles (issue 15)"). `get(id)` answers what is known and asks the server, in one batched
 * `GET /api/profiles?ids=` per tick, for ids not seen yet; `profile_updated` keeps entries
 * live; a new connection (welcome) forgets them all, since changes may have been missed.
 * One instance per page (`profiles` below).
 */
export class Profiles {
	private readonly known = new SvelteMap<number, Profile>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly asked = new Set<number>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private pending = new Set<number>();
	private timer: ReturnType<typeof setTimeout> | undefined;

	/** The profile of `id` when known (undefined until the answer comes; then reactive). */
	get(id: number): Profile | undefined {
		// On the server (SSR) this module is shared by every request: nothing is kept there.
		if (typeof window === 'undefined') return undefined;
		const found = this.known.get(id);
		if (found === undefined && id > 0 && !this.asked.has(id)) this.want(id);
		return found;
	}

	/** What the server said (a `profile_updated`, a directory entry, an answer of ours). */
	learn(id: number, p: Partial<Profile>): void {
		if (typeof window === 'undefined') return;
		this.asked.add(id);
		const before = this.known.get(id) ?? NONE;
		this.known.set(id, {
			avatar_url: p.avatar_url === undefined ? before.avatar_url : p.avatar_url,
			status: p.status ?? before.status,
			time_zone: p.time_zone ?? before.time_zone
		});
	}

	/** After a reconnect: whatever is shown is asked for again. */
	refresh(): void {
		const ids = [...this.known.keys()];
		this.asked.clear();
		for (const id of ids) this.want(id);
	}

	private want(id: number): void {
		this.asked.add(id);
		this.pending.add(id);
		this.timer ??= setTimeout(() => void this.flush(), 0);
	}

	private async flush(): Promise<void> {
		this.timer = undefined;
		const ids = [...this.pending];
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
		this.pending = new Set();
		for (let i = 0; i < ids.length; i += BATCH) {
			const part = ids.slice(i, i + BATCH);
			try {
				const res = await fetch(`/api/profiles?ids=${part.join(',')}`);
				if (!res.ok) throw new Error(`profiles: ${res.status}`);
				const body = (await res.json()) as { profiles: ({ id: number } & Profile)[] };
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
				const found = new Set<number>();
				for (const p of body.profiles) {
					found.add(p.id);
					this.learn(p.id, p);
				}
				// Not an account (a guest): nothing to show but the initial.
				for (const id of part) if (!found.has(id) && !this.known.has(id)) this.known.set(id, NONE);
			} catch {
				// Offline or logged out: asked again on the next reconnect.
				for (const id of part) this.asked.delete(id);
			}
		}
	}
}

export const profiles = new Profiles();
