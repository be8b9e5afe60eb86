import type { Database } from 'better-sqlite3';
import type { AdminActionInput, AuditAction, AuditEntry } from '$lib/protocol/admin';
import { MAX_MUTE_SECONDS } from '$lib/protocol/client';
import { systemEvent, type ServerEvent } from '$lib/protocol/events';
import { formatDuration } from '$lib/format/duration';
import type { AuthService } from '../auth/service';
import type { SessionUser } from '../auth/sessions';
import { ServiceError, forbidden, notFound } from '../errors';
import { noticeOf } from './notices';
import type { Logger } from '../logger';
import { CloseCode, type Identity } from '../realtime/connection';
import type { Bus } from '../realtime/bus';
import type { Hub } from '../realtime/hub';

/** Who performs an action: a connection's identity or the HTTP session's user. */
export type Actor = Pick<Identity, 'id' | 'name' | 'isGuest'>;

/** What moderation needs from the rest of the app (the App wires these in). */
export interface ModerationDeps {
	auth: Pick<AuthService, 'getUser' | 'endAllSessions' | 'createUser'>;
	/** Who is online: guests exist only there, and an online name is the current one. */
	presence: Pick<Hub, 'identityOf'>;
	/** Where every effect on clients is published (the target's event, notices, closes). */
	bus: Bus;
	/** Operators see every action in the server log too. */
	log?: Pick<Logger, 'info'>;
}

interface Mute {
	until: number;
	reason: string;
}

/** The user an action is aimed at: an account (online or not) or an online guest. */
interface Target {
	id: number;
	name: string;
	isGuest: boolean;
	account: SessionUser | undefined;
}

/** setTimeout cannot wait longer than this (about 24.8 days); longer mutes re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Moderation: kick, timed mute, ban, roles and the audit log (PROTOCOL.md §7).
 *
 * There is one method per action. The WebSocket commands, `POST /api/admin/actions` and
 * the admin panel all call them, so the rules, the effects and the audit trail are the
 * same whichever way an admin acts. The chat write path asks `assertCanSend` and the
 * typing handler `isMuted`; both answer from memory, kept in step with the `mutes` table.
 */
export class ModerationService {
	/** userId → mute (until in unix seconds), loaded at start and kept in step with the table. */
	private readonly mutedUntil = new Map<number, Mute>();
	/** userId → the timer that tells the user when its mute ends. */
	private readonly timers = new Map<number, NodeJS.Timeout>();

	/**
	 * @param nowMs the clock, in milliseconds; tests inject one to pass mute expiry without waiting.
	 */
	constructor(
		private readonly sqlite: Database,
		private readonly deps: ModerationDeps,
		readonly nowMs: () => number = () => Date.now()
	) {
		// Mutes outlive restarts: the table is the truth, memory is the fast path.
		sqlite.prepare('DELETE FROM mutes WHERE until <= ?').run(this.now());
		const rows = sqlite.prepare('SELECT user_id, until, reason FROM mutes').all() as {
			user_id: number;
			until: number;
			reason: string;
		}[];
		for (const r of rows) this.remember(r.user_id, { until: r.until, reason: r.reason });
	}

	/** Unix seconds by the injected clock. */
	now(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	// ---- the questions the chat path asks ------------------------------------------------

	muteOf(userId: number): Mute | undefined {
		const mute = this.mutedUntil.get(userId);
		if (!mute) return undefined;
		if (mute.until * 1000 <= this.nowMs()) {
			this.expire(userId, mute); // noticed before its timer fired
			return undefined;
		}
		return mute;
	}

	isMuted(userId: number): boolean {
		return this.muteOf(userId) !== undefined;
	}

	/** Throws `muted` with the time left and the end time when the user may not send. */
	assertCanSend(userId: number): void {
		const mute = this.muteOf(userId);
		if (!mute) return;
		const left = Math.max(1, Math.ceil(mute.until - this.nowMs() / 1000));
		const until = new Date(mute.until * 1000).toISOString();
		throw new ServiceError(
			'muted',
			`You are muted for ${formatDuration(left)} more (until ${until})${mute.reason ? `: ${mute.reason}` : ''}`,
			403,
			{ retryAfterSeconds: left, params: { until: mute.until, retry_after: left } }
		);
	}

	// ---- actions ---------------------------------------------------------------------------

	/** Closes every connection of the target (`kicked`, then 4000) and ends its sessions. */
	kick(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'kick');
		reason = clean(reason);
		this.disconnect(
			target.id,
			systemEvent('kicked', { reason, by: actor.name }),
			CloseCode.kicked,
			'Kicked'
		);
		// The target may log in again, but must do so: a web client would otherwise reconnect
		// straight away with the same cookie and the kick would mean nothing.
		if (target.account) this.deps.auth.endAllSessions(target.id);
		this.record(actor, 'kick', target, reason, null);
	}

	/** Mutes for 1 second to 30 days; persists across restarts. Returns the end (unix seconds). */
	mute(actor: Actor, targetId: number, durationSeconds: number, reason = ''): number {
		if (
			!Number.isInteger(durationSeconds) ||
			durationSeconds < 1 ||
			durationSeconds > MAX_MUTE_SECONDS
		) {
			throw new ServiceError('invalid_input', 'A mute lasts 1 second to 30 days', 400);
		}
		const target = this.authorize(actor, targetId, 'mute');
		reason = clean(reason);
		// Rounded up to whole seconds so a mute never lasts less than asked.
		const until = Math.ceil((this.nowMs() + durationSeconds * 1000) / 1000);
		if (target.account) {
			this.sqlite
				.prepare(
					`INSERT INTO mutes (user_id, until, reason, by, created_at) VALUES (?, ?, ?, ?, ?)
					 ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason,
					   by = excluded.by, created_at = excluded.created_at`
				)
				.run(target.id, until, reason, actor.id, this.now());
		}
		this.remember(target.id, { until, reason });
		this.toUser(target.id, systemEvent('muted', { until, reason, by: actor.name }));
		// Stamped `until - duration` (this second, rounded up like `until`), so the audit log
		// gives back the length that was asked for: history notices say "for 5 minutes".
		this.record(actor, 'mute', target, reason, until, until - durationSeconds);
		return until;
	}

	unmute(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'unmute');
		reason = clean(reason);
		this.lift(target.id, { reason, by: actor.name });
		this.record(actor, 'unmute', target, reason, null);
	}

	/** Bans an account: `banned` then close 1008 on every connection; login and upgrades refused. */
	ban(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'ban');
		reason = clean(reason);
		this.sqlite
			.prepare('UPDATE users SET banned_at = ?, ban_reason = ? WHERE id = ?')
			.run(this.now(), reason || null, target.id);
		this.disconnect(
			target.id,
			systemEvent('banned', { reason, by: actor.name }),
			CloseCode.policy,
			'Banned'
		);
		// Its sessions stay, refused while the ban lasts (pages treat them as logged out, the
		// gateway answers upgrades with 403), so a banned browser is told why; unban ends them.
		this.record(actor, 'ban', target, reason, null);
	}

	unban(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'unban');
		reason = clean(reason);
		this.sqlite
			.prepare('UPDATE users SET banned_at = NULL, ban_reason = NULL WHERE id = ?')
			.run(target.id);
		// Sessions from before the ban do not come back to life: the user logs in afresh.
		if (target.account?.bannedAt) this.deps.auth.endAllSessions(target.id);
		this.record(actor, 'unban', target, reason, null);
	}

	promote(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'promote');
		if (target.account?.bannedAt) throw forbidden('Unban this account before promoting it');
		this.setRole(target.id, 'admin');
		this.record(actor, 'promote', target, clean(reason), null);
	}

	/** Not yourself, and never the last admin. */
	demote(actor: Actor, targetId: number, reason = ''): void {
		const target = this.authorize(actor, targetId, 'demote');
		this.sqlite.transaction(() => {
			const admins = this.sqlite
				.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin'")
				.pluck()
				.get() as number;
			if (target.account?.isAdmin && admins <= 1)
				throw forbidden('The last admin cannot be demoted');
			this.setRole(target.id, 'user');
		})();
		this.record(actor, 'demote', target, clean(reason), null);
	}

	/** The one entry point of `POST /api/admin/actions` and the panel. */
	perform(actor: Actor, input: AdminActionInput): { until?: number } {
		const { target_id: id, reason } = input;
		switch (input.action) {
			case 'mute':
				return { until: this.mute(actor, id, input.duration_seconds!, reason) };
			case 'kick':
				this.kick(actor, id, reason);
				break;
			case 'unmute':
				this.unmute(actor, id, reason);
				break;
			case 'ban':
				this.ban(actor, id, reason);
				break;
			case 'unban':
				this.unban(actor, id, reason);
				break;
			case 'promote':
				this.promote(actor, id, reason);
				break;
			case 'demote':
				this.demote(actor, id, reason);
				break;
		}
		return {};
	}

	/** An admin creates an account (the way in when REGISTRATION=closed). */
	async createAccount(actor: Actor, input: unknown): Promise<SessionUser> {
		this.assertAdmin(actor);
		const user = await this.deps.auth.createUser(input, 'user');
		this.audit(actor.id, 'create_user', user.id, '', null);
		return user;
	}

	// ---- audit log -------------------------------------------------------------------------

	/** Newest first; `before` pages back by entry id. The log is append-only: no edit, no delete. */
	auditLog(opts: { limit: number; before?: number }): Required<AuditEntry>[] {
		return this.sqlite
			.prepare(
				`SELECT a.id, a.action, a.actor_id, a.target_id, a.reason, a.until, a.created_at,
				        actor.name AS actor_name, target.name AS target_name
				   FROM audit_log a
				   LEFT JOIN users actor ON actor.id = a.actor_id
				   LEFT JOIN users target ON target.id = a.target_id
				  WHERE a.id < ?
				  ORDER BY a.id DESC
				  LIMIT ?`
			)
			.all(opts.before ?? Number.MAX_SAFE_INTEGER, opts.limit) as Required<AuditEntry>[];
	}

	// ---- rules -----------------------------------------------------------------------------

	/** Only a current admin account may act (checked against the table: roles change live). */
	assertAdmin(actor: Actor): void {
		const account = actor.isGuest ? undefined : this.deps.auth.getUser(actor.id);
		if (!account?.isAdmin || account.bannedAt) throw forbidden('Only admins can do that');
	}

	/**
	 * The rules of PROTOCOL.md §7, in order: the actor is an admin (403 before 404, so
	 * non-admins learn nothing about ids), the target exists, it is not the actor, and
	 * kick/mute/ban never hit an admin. Lifting a restriction (unmute, unban) and changing
	 * roles may target an admin; bans and roles need an account.
	 */
	private authorize(actor: Actor, targetId: number, action: AuditAction): Target {
		this.assertAdmin(actor);
		const target = this.findTarget(targetId);
		if (target.id === actor.id) throw forbidden(`You cannot ${action} yourself`);
		const isAdmin = target.account?.isAdmin ?? false;
		if (isAdmin && (action === 'kick' || action === 'mute' || action === 'ban'))
			throw forbidden(`Admins cannot ${action} another admin`);
		if (target.isGuest && action !== 'kick' && action !== 'mute' && action !== 'unmute')
			throw forbidden(`Guests have no account to ${action}; kick them instead`);
		return target;
	}

	private findTarget(id: number): Target {
		const online = this.deps.presence.identityOf(id);
		if (online?.isGuest) return { id, name: online.name, isGuest: true, account: undefined };
		const account = this.deps.auth.getUser(id);
		if (!account) throw notFound('User not found');
		return { id, name: online?.name ?? account.name, isGuest: false, account };
	}

	// ---- effects ---------------------------------------------------------------------------

	private setRole(userId: number, role: 'user' | 'admin'): void {
		this.sqlite.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, userId);
		// Open connections carry the role too (welcome, users list, is_admin checks).
		this.deps.bus.publish({ kind: 'identity', userId, isAdmin: role === 'admin' });
	}

	/** Ends a mute (by an admin or because it ran out) and tells the user. */
	private lift(userId: number, content: { reason: string; by: string }): void {
		const had = this.muteOf(userId);
		this.sqlite.prepare('DELETE FROM mutes WHERE user_id = ?').run(userId);
		this.remember(userId, null);
		if (had) this.toUser(userId, systemEvent('unmuted', content));
	}

	/** Writes the audit entry and tells everyone else online (the target got its own event). */
	private record(
		actor: Actor,
		action: AuditAction,
		target: Target,
		reason: string,
		until: number | null,
		at = this.now()
	): void {
		const id = this.audit(actor.id, action, target.id, reason, until, at);
		const notice = noticeOf({ id, action, actor, target, reason, until, at });
		// The target already got kicked/muted/unmuted/banned; for the rest it hears the notice too.
		const targetHasOwnEvent = ['kick', 'mute', 'unmute', 'ban'].includes(action);
		this.deps.bus.publish({
			kind: 'event',
			to: { everyone: true, except: targetHasOwnEvent ? target.id : undefined },
			event: { ...systemEvent('moderation', notice), room: 'general' }
		});
	}

	/** Appends to the audit log; returns the entry's id. */
	private audit(
		actorId: number,
		action: AuditAction,
		targetId: number,
		reason: string,
		until: number | null,
		at = this.now()
	): number {
		this.deps.log?.info({ actorId, action, targetId, reason, until }, `moderation: ${action}`);
		return Number(
			this.sqlite
				.prepare(
					'INSERT INTO audit_log (actor_id, action, target_id, reason, until, created_at) VALUES (?, ?, ?, ?, ?, ?)'
				)
				.run(actorId, action, targetId, reason, until, at).lastInsertRowid
		);
	}

	/** Keeps the in-memory view in step after the mutes table changes, and arms the end timer. */
	protected remember(userId: number, mute: Mute | null): void {
		clearTimeout(this.timers.get(userId));
		this.timers.delete(userId);
		if (!mute) {
			this.mutedUntil.delete(userId);
			return;
		}
		this.mutedUntil.set(userId, mute);
		const delay = Math.min(MAX_TIMER_MS, Math.max(0, mute.until * 1000 - this.nowMs()));
		const timer = setTimeout(() => this.expire(userId, mute), delay);
		timer.unref();
		this.timers.set(userId, timer);
	}

	/**
	 * A mute's timer fired, or a check found it over: if it has really run out (by the
	 * clock), lift it and tell the user; else re-arm the timer.
	 */
	private expire(userId: number, mute: Mute): void {
		clearTimeout(this.timers.get(userId));
		this.timers.delete(userId);
		if (this.mutedUntil.get(userId) !== mute) return;
		if (mute.until * 1000 > this.nowMs()) return this.remember(userId, mute);
		this.mutedUntil.delete(userId);
		this.sqlite
			.prepare('DELETE FROM mutes WHERE user_id = ? AND until <= ?')
			.run(userId, mute.until);
		this.toUser(userId, systemEvent('unmuted', { reason: 'Mute ended', by: 'System' }));
	}

	private toUser(userId: number, event: ServerEvent): void {
		this.deps.bus.publish({ kind: 'event', to: { user: userId }, event });
	}

	/** Sends `event` to every connection of a user, then closes them (kick, ban). */
	private disconnect(userId: number, event: ServerEvent, code: number, reason: string): void {
		this.toUser(userId, event);
		this.deps.bus.publish({ kind: 'close', of: { userId }, code, reason });
	}

	/** Stops the mute timers (tests that build a service of their own). */
	dispose(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}
}

function clean(reason: string | undefined): string {
	return (reason ?? '').trim().slice(0, 500);
}
