import {
	AUDIT_PAGE,
	type AdminActionName,
	type AdminStats,
	type AdminUser,
	type AuditEntry
} from '$lib/protocol/admin';
import { m } from '$lib/paraglide/messages';
import { apiErrorText, doneText, type ApiError } from './admin-format';

/** Figures and the user list refresh this often even when no event says so. */
const POLL_MS = 4000;
/** Events that change who is online or how a user stands: refresh the list soon after. */
const LIVE_EVENTS = new Set(['join', 'leave', 'user_renamed', 'moderation']);

export interface Notice {
	kind: 'ok' | 'error';
	text: string;
}

interface Initial {
	stats: AdminStats;
	users: AdminUser[];
	audit: AuditEntry[];
}

/**
 * The admin panel's state: live figures, the searchable user list, the audit log pages,
 * and the actions (all through the admin HTTP API, so the panel and the protocol share
 * one moderation service). Online state follows the chat socket's join/leave events.
 */
export class AdminPanel {
	stats = $state<AdminStats>() as AdminStats;
	users = $state<AdminUser[]>([]);
	query = $state('');
	selectedId = $state<number | null>(null);
	audit = $state<AuditEntry[]>([]);
	auditHasOlder = $state(false);
	/** `before` cursors of the pages behind the current one; empty on the newest page. */
	private auditCursors = $state<number[]>([]);
	/** Milliseconds, ticking each second for countdowns and uptime. */
	now = $state(Date.now());
	live = $state(false);
	busy = $state(false);
	notice = $state<Notice | null>(null);

	private statsFetchedAt = Date.now();
	private refreshTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(initial: Initial) {
		this.stats = initial.stats;
		this.users = initial.users;
		this.setAudit(initial.audit);
	}

	selected = $derived(this.users.find((u) => u.id === this.selectedId) ?? null);
	auditPage = $derived(this.auditCursors.length + 1);

	/** Uptime keeps counting between polls. */
	get uptimeSeconds(): number {
		return this.stats.uptime_seconds + Math.floor((this.now - this.statsFetchedAt) / 1000);
	}

	/** Starts polling, the clock and the live socket; returns the stop function. */
	start(): () => void {
		const tick = setInterval(() => (this.now = Date.now()), 1000);
		const poll = setInterval(() => {
			void this.refreshStats();
			void this.refreshUsers();
		}, POLL_MS);
		const stopSocket = this.connect();
		return () => {
			clearInterval(tick);
			clearInterval(poll);
			if (this.refreshTimer) clearTimeout(this.refreshTimer);
			stopSocket();
		};
	}

	/** The chat socket, only to hear presence and moderation events as they happen. */
	private connect(): () => void {
		let ws: WebSocket | null = null;
		let stopped = false;
		let retry: ReturnType<typeof setTimeout> | null = null;
		const open = () => {
			ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
			ws.onopen = () => {
				this.live = true;
				this.soon(); // our own arrival (and anything missed while away)
			};
			ws.onmessage = (e) => {
				const type = (JSON.parse(e.data) as { type?: string }).type ?? '';
				if (LIVE_EVENTS.has(type)) this.soon();
				if (type === 'moderation') this.refreshAuditIfNewest();
			};
			ws.onclose = () => {
				this.live = false;
				if (!stopped) retry = setTimeout(open, 2000);
			};
		};
		open();
		return () => {
			stopped = true;
			if (retry) clearTimeout(retry);
			ws?.close();
		};
	}

	/** Coalesces a burst of events (many joins at once) into one refresh. */
	private soon(): void {
		if (this.refreshTimer) return;
		this.refreshTimer = setTimeout(() => {
			this.refreshTimer = null;
			void this.refreshUsers();
			void this.refreshStats();
		}, 150);
	}

	async refreshStats(): Promise<void> {
		const stats = await this.get<AdminStats>('/api/admin/stats');
		if (!stats) return;
		this.stats = stats;
		this.statsFetchedAt = Date.now();
	}

	async refreshUsers(): Promise<void> {
		const q = this.query.trim();
		const users = await this.get<AdminUser[]>(`/api/admin/users?q=${encodeURIComponent(q)}`);
		// A slower answer to an older query must not overwrite the newer one.
		if (users && q === this.query.trim()) this.users = users;
	}

	async search(q: string): Promise<void> {
		this.query = q;
		await this.refreshUsers();
	}

	// ---- audit log ------------------------------------------------------------------------

	private setAudit(rows: AuditEntry[]): void {
		this.auditHasOlder = rows.length > AUDIT_PAGE;
		this.audit = rows.slice(0, AUDIT_PAGE);
	}

	private async loadAudit(): Promise<void> {
		const before = this.auditCursors.at(-1);
		const rows = await this.get<AuditEntry[]>(
			`/api/admin/audit?names=1&limit=${AUDIT_PAGE + 1}${before ? `&before=${before}` : ''}`
		);
		if (rows) this.setAudit(rows);
	}

	async olderAudit(): Promise<void> {
		const last = this.audit.at(-1);
		if (!last || !this.auditHasOlder) return;
		this.auditCursors = [...this.auditCursors, last.id];
		await this.loadAudit();
	}

	async newerAudit(): Promise<void> {
		this.auditCursors = this.auditCursors.slice(0, -1);
		await this.loadAudit();
	}

	private refreshAuditIfNewest(): void {
		if (this.auditCursors.length === 0) void this.loadAudit();
	}

	// ---- actions --------------------------------------------------------------------------

	/** Runs one moderation action; the result is announced in the notice region. */
	async act(
		action: AdminActionName,
		user: AdminUser,
		opts: { reason?: string; durationSeconds?: number } = {}
	): Promise<boolean> {
		this.busy = true;
		try {
			const res = await fetch('/api/admin/actions', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					action,
					target_id: user.id,
					reason: opts.reason?.trim() || undefined,
					duration_seconds: action === 'mute' ? opts.durationSeconds : undefined
				})
			});
			if (!res.ok) {
				this.notice = { kind: 'error', text: await errorText(res) };
				return false;
			}
			this.notice = { kind: 'ok', text: doneText(action, user.name) };
			await Promise.all([this.refreshUsers(), this.refreshStats(), this.loadAudit()]);
			return true;
		} catch {
			this.notice = { kind: 'error', text: m.admin_no_answer() };
			return false;
		} finally {
			this.busy = false;
		}
	}

	async createAccount(username: string, password: string): Promise<boolean> {
		this.busy = true;
		try {
			const res = await fetch('/api/admin/users', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ username, password })
			});
			if (!res.ok) {
				this.notice = { kind: 'error', text: await errorText(res) };
				return false;
			}
			const { user } = (await res.json()) as { user: { username: string } };
			this.notice = { kind: 'ok', text: m.admin_account_created({ username: user.username }) };
			await Promise.all([this.refreshUsers(), this.refreshStats(), this.loadAudit()]);
			return true;
		} catch {
			this.notice = { kind: 'error', text: m.admin_no_answer() };
			return false;
		} finally {
			this.busy = false;
		}
	}

	private async get<T>(url: string): Promise<T | null> {
		try {
			const res = await fetch(url);
			if (res.status === 401 || res.status === 403) {
				// Logged out or demoted meanwhile: the page itself will say so.
				location.reload();
				return null;
			}
			return res.ok ? ((await res.json()) as T) : null;
		} catch {
			return null;
		}
	}
}

/** The API's error body, rendered from its code in the user's language. */
async function errorText(res: Response): Promise<string> {
	try {
		const body = (await res.json()) as { error?: ApiError };
		return apiErrorText(body.error, res.status);
	} catch {
		return apiErrorText(undefined, res.status);
	}
}
