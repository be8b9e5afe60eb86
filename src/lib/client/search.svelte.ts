import type { SearchPage, SearchResult, SearchSnippet } from '$lib/protocol/events';
import { dmKey, roomKey, type ConvKey } from './conversation.svelte';

/** Results asked for at a time (the server allows 1–50). */
const PAGE = 20;

export type SearchProblem = 'too_short' | 'failed';

/**
 * The search panel's state: the query asked, its results newest first (`GET /api/search`,
 * PROTOCOL.md §11), older pages on demand. A search runs when the user submits it (Enter),
 * not on every key: each one costs the server index work and counts against a budget.
 */
export class SearchState {
	/** The panel is showing. */
	open = $state(false);
	/** The query the results are for. */
	query = $state('');
	results = $state.raw<SearchResult[]>([]);
	hasMore = $state(false);
	loading = $state(false);
	problem = $state<SearchProblem | null>(null);
	/** Answers to an older query are dropped when they arrive after a newer one. */
	private seq = 0;

	constructor(private readonly fetcher: typeof fetch = (...args) => fetch(...args)) {}

	async run(query: string): Promise<void> {
		const q = query.trim();
		this.open = true;
		this.query = q;
		this.results = [];
		this.hasMore = false;
		if ([...q].length < 2) {
			this.problem = 'too_short';
			return;
		}
		await this.fetchPage(q);
	}

	/** The page after the oldest result shown. */
	async more(): Promise<void> {
		const last = this.results.at(-1);
		if (!last || !this.hasMore || this.loading) return;
		await this.fetchPage(this.query, last.id);
	}

	close(): void {
		this.open = false;
		this.seq++;
		this.loading = false;
	}

	private async fetchPage(q: string, before?: number): Promise<void> {
		const seq = ++this.seq;
		this.loading = true;
		this.problem = null;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a request's query, never rendered
		const params = new URLSearchParams({
			q,
			limit: String(PAGE),
			...(before !== undefined && { before: String(before) })
		});
		try {
			const res = await this.fetcher(`/api/search?${params}`);
			if (seq !== this.seq) return;
			if (!res.ok) {
				this.problem = res.status === 400 ? 'too_short' : 'failed';
				return;
			}
			const page = (await res.json()) as SearchPage;
			if (seq !== this.seq) return;
			this.results = before === undefined ? page.messages : [...this.results, ...page.messages];
			this.hasMore = page.has_more;
		} catch {
			if (seq === this.seq) this.problem = 'failed';
		} finally {
			if (seq === this.seq) this.loading = false;
		}
	}
}

/** The conversation a result belongs to, and the DM peer's name when it is a DM. */
export function placeOf(r: SearchResult): { key: ConvKey; room?: string; peerName?: string } {
	if (r.room !== undefined) return { key: roomKey(r.room), room: r.room };
	const peerId = r.with ?? (r.type === 'private_message' ? r.from_id : (r.to_id ?? 0));
	const peerName = r.type === 'private_message' ? r.from_name : r.to_name;
	return { key: dmKey(peerId), peerName };
}

/** A snippet as runs of text, the matched ones marked (rendered as text, never as HTML). */
export function snippetParts(s: SearchSnippet): { text: string; mark: boolean }[] {
	const chars = [...s.text];
	const parts: { text: string; mark: boolean }[] = [];
	let at = 0;
	for (const [start, end] of s.marks) {
		if (start < at || end <= start) continue;
		if (start > at) parts.push({ text: chars.slice(at, start).join(''), mark: false });
		parts.push({ text: chars.slice(start, end).join(''), mark: true });
		at = end;
	}
	if (at < chars.length) parts.push({ text: chars.slice(at).join(''), mark: false });
	return parts;
}
