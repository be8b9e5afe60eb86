import type {
	AdminActionInput,
	AuditAction,
	AuditEntry,
	ModerationNotice
} from '$lib/protocol/admin';
import { MAX_MUTE_SECONDS } from '$lib/protocol/client';
import { events, type ServerEvent } from '$lib/protocol/events';
import type { AccountSecurity } from '../auth/account';
import type { AuthService } from '../auth/service';
import type { SessionUser } from '../auth/sessions';
import { ServiceError, forbidden } from '../errors';
import type { Logger } from '../logger';
import { CloseCode } from '../realtime/connection';
import type { Bus } from '../realtime/bus';
import type { OnlineDirectory } from '../realtime/online';
import type { AuditRepository, MutesRepository } from '../storage/moderation';
import type { UsersRepository } from '../storage/users';
import { DEFAULT_ROOM } from '../chat/rooms';
import { AuditTrail } from './audit';
import { MuteBook, type Mute } from './mutes';
import { noticeOf } from './notices';
import { ModerationPolicy, type Actor, type Target } from './policy';

export type { Actor };

/** What moderation needs from the rest of the app (the App wires these in). */
export interface ModerationDeps {
	auth: Pick<AuthService, 'getUser' | 'endAllSessions' | 'createUser'>;
	/** Password resets (account security); absent in tests that build moderation alone. */
	account?: Pick<AccountSecurity, 'resetPassword'>;
	/** Who is online: guests exist only there, and an online name is the current one. */
	presence: Pick<OnlineDirectory, 'user'>;
	/** Where every effect on clients is published (the target's event, notices, closes). */
	bus: Bus;
	/** Operators see every action in the server log too. */
	log?: Pick<Logger, 'info' | 'error'>;
	/** Users connected to this process (a guest's mute ends where the guest is). */
	isHere?: (userId: number) => boolean;
}

/** The storage moderation writes: accounts (bans, roles), mutes and the audit log. */
export interface ModerationRepositories {
	users: Pick<UsersRepository, 'setBan' | 'setRole' | 'demote'>;
	mutes: MutesRepository;
	audit: AuditRepository;
}

/**
 * Every effect moderation has on clients, in one place: all of them are bus events that
 * the fan-out delivers (docs/architecture.md).
 */
export interface ModerationDelivery {
	/** An event for every connection of one user. */
	toUser(userId: number, event: ServerEvent): void;
	/** `event` to every connection of a user, then close them (kick, ban). */
	disconnect(userId: number, event: ServerEvent, code: number, reason: string): void;
	/** Open connections carry the role too (welcome, users list, is_admin checks). */
	roleChanged(userId: number, isAdmin: boolean): void;
	/** The `moderation` notice to everyone online, except a target that got its own event. */
	notice(notice: ModerationNotice, except: number | undefined): void;
}

function busDelivery(bus: Bus): ModerationDelivery {
	const toUser = (userId: number, event: ServerEvent) =>
		bus.publish({ kind: 'event', to: { user: userId }, event });
	return {
		toUser,
		disconnect(userId, event, code, reason) {
			toUser(userId, event);
			bus.publish({ kind: 'close', of: { userId }, code, reason });
		},
		roleChanged(userId, isAdmin) {
			bus.publish({ kind: 'identity', userId, isAdmin });
		},
		notice(notice, except) {
			bus.publish({
				kind: 'event',
				to: { everyone: true, except },
				event: events.moderation(notice, DEFAULT_ROOM)
			});
		}
	};
}

/**
 * Moderation: kick, timed mute, ban, roles and the audit log (PROTOCOL.md §7).
 *
 * There is one method per action. The WebSocket commands, `POST /api/admin/actions` and
 * the admin panel all call them, so the rules (policy.ts), the effects and the audit trail
 * (audit.ts) are the same whichever way an admin acts. Mutes are kept by mutes.ts.
 */
export class ModerationService {
	private readonly policy: ModerationPolicy;
	private readonly mutes: MuteBook;
	private readonly trail: AuditTrail;
	private readonly delivery: ModerationDelivery;

	/**
	 * @param nowMs the clock, in milliseconds; tests inject one to pass mute expiry without waiting.
	 */
	constructor(
		private readonly repos: ModerationRepositories,
		private readonly deps: ModerationDeps,
		readonly nowMs: () => number = () => Date.now()
	) {
		this.policy = new ModerationPolicy(deps);
		this.mutes = new MuteBook(repos.mutes, nowMs, deps.log, deps.isHere);
		// Every process's mute book follows every put and lift (this process's included).
		deps.bus.subscribe((e) => {
			if (e.kind === 'mute') this.mutes.apply(e.userId, e.mute);
		});
		this.trail = new AuditTrail(repos.audit, deps.log);
		this.delivery = busDelivery(deps.bus);
		this.mutes.onEnded = (userId) =>
			this.delivery.toUser(userId, events.unmuted({ reason: 'Mute ended', by: 'System' }));
	}

	/** Loads the mutes in force (start-up). */
	init(): Promise<void> {
		return this.mutes.init();
	}

	/** Re-reads the mutes table (several processes: a missed `mute` event heals). */
	reloadMutes(): Promise<void> {
		return this.mutes.reload();
	}

	/** Unix seconds by the injected clock. */
	now(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	// ---- the questions the chat path asks ------------------------------------------------

	muteOf(userId: number): Mute | undefined {
		return this.mutes.muteOf(userId);
	}

	isMuted(userId: number): boolean {
		return this.mutes.isMuted(userId);
	}

	/** Throws `muted` with the time left and the end time when the user may not send. */
	assertCanSend(userId: number): void {
		this.mutes.assertCanSend(userId);
	}

	/** Only a current admin account may act. */
	assertAdmin(actor: Actor): Promise<void> {
		return this.policy.assertAdmin(actor);
	}

	// ---- actions ---------------------------------------------------------------------------

	/** Closes every connection of the target (`kicked`, then 4000) and ends its sessions. */
	async kick(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'kick');
		reason = clean(reason);
		this.delivery.disconnect(
			target.id,
			events.kicked({ reason, by: actor.name }),
			CloseCode.kicked,
			'Kicked'
		);
		// The target may log in again, but must do so: a web client would otherwise reconnect
		// straight away with the same cookie and the kick would mean nothing.
		if (target.account) await this.deps.auth.endAllSessions(target.id);
		await this.record(actor, 'kick', target, reason, null);
	}

	/** Mutes for 1 second to 30 days; persists across restarts. Returns the end (unix seconds). */
	async mute(
		actor: Actor,
		targetId: number,
		durationSeconds: number,
		reason = ''
	): Promise<number> {
		if (
			!Number.isInteger(durationSeconds) ||
			durationSeconds < 1 ||
			durationSeconds > MAX_MUTE_SECONDS
		) {
			throw new ServiceError('invalid_input', 'A mute lasts 1 second to 30 days', 400);
		}
		const target = await this.policy.authorize(actor, targetId, 'mute');
		reason = clean(reason);
		// Rounded up to whole seconds so a mute never lasts less than asked.
		const until = Math.ceil((this.nowMs() + durationSeconds * 1000) / 1000);
		await this.mutes.put(
			target.id,
			{ until, reason },
			target.account ? { by: actor.id, at: this.now() } : null
		);
		this.deps.bus.publish({ kind: 'mute', userId: target.id, mute: { until, reason } });
		this.delivery.toUser(target.id, events.muted({ until, reason, by: actor.name }));
		// Stamped `until - duration` (this second, rounded up like `until`), so the audit log
		// gives back the length that was asked for: history notices say "for 5 minutes".
		await this.record(actor, 'mute', target, reason, until, until - durationSeconds);
		return until;
	}

	async unmute(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'unmute');
		reason = clean(reason);
		const had = await this.mutes.lift(target.id);
		this.deps.bus.publish({ kind: 'mute', userId: target.id, mute: null });
		if (had) this.delivery.toUser(target.id, events.unmuted({ reason, by: actor.name }));
		await this.record(actor, 'unmute', target, reason, null);
	}

	/** Bans an account: `banned` then close 1008 on every connection; login and upgrades refused. */
	async ban(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'ban');
		reason = clean(reason);
		await this.repos.users.setBan(target.id, this.now(), reason || null);
		this.delivery.disconnect(
			target.id,
			events.banned({ reason, by: actor.name }),
			CloseCode.policy,
			'Banned'
		);
		// Its sessions stay, refused while the ban lasts (pages treat them as logged out, the
		// gateway answers upgrades with 403), so a banned browser is told why; unban ends them.
		await this.record(actor, 'ban', target, reason, null);
	}

	async unban(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'unban');
		reason = clean(reason);
		await this.repos.users.setBan(target.id, null, null);
		// Sessions from before the ban do not come back to life: the user logs in afresh.
		if (target.account?.bannedAt) await this.deps.auth.endAllSessions(target.id);
		await this.record(actor, 'unban', target, reason, null);
	}

	async promote(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'promote');
		if (target.account?.bannedAt) throw forbidden('Unban this account before promoting it');
		await this.repos.users.setRole(target.id, 'admin');
		this.delivery.roleChanged(target.id, true);
		await this.record(actor, 'promote', target, clean(reason), null);
	}

	/** Not yourself, and never the last admin. */
	async demote(actor: Actor, targetId: number, reason = ''): Promise<void> {
		const target = await this.policy.authorize(actor, targetId, 'demote');
		if (!(await this.repos.users.demote(target.id)))
			throw forbidden('The last admin cannot be demoted');
		this.delivery.roleChanged(target.id, false);
		await this.record(actor, 'demote', target, clean(reason), null);
	}

	/** The one entry point of `POST /api/admin/actions` and the panel. */
	async perform(actor: Actor, input: AdminActionInput): Promise<{ until?: number }> {
		const { target_id: id, reason } = input;
		switch (input.action) {
			case 'mute':
				return { until: await this.mute(actor, id, input.duration_seconds!, reason) };
			case 'kick':
				await this.kick(actor, id, reason);
				break;
			case 'unmute':
				await this.unmute(actor, id, reason);
				break;
			case 'ban':
				await this.ban(actor, id, reason);
				break;
			case 'unban':
				await this.unban(actor, id, reason);
				break;
			case 'promote':
				await this.promote(actor, id, reason);
				break;
			case 'demote':
				await this.demote(actor, id, reason);
				break;
		}
		return {};
	}

	/** An admin creates an account (the way in when REGISTRATION=closed). */
	async createAccount(actor: Actor, input: unknown): Promise<SessionUser> {
		await this.policy.assertAdmin(actor);
		const user = await this.deps.auth.createUser(input, 'user');
		await this.trail.append(actor.id, 'create_user', user.id, '', null, this.now());
		return user;
	}

	/**
	 * An admin resets an account's password: a temporary one is returned, the user must
	 * choose a new one at the next login, and every session of the account ends (4001).
	 * Audited as `reset_password`; no public notice (like `create_user`).
	 */
	async resetPassword(actor: Actor, targetId: number): Promise<string> {
		const target = await this.policy.authorize(actor, targetId, 'reset_password');
		if (!this.deps.account) throw new Error('password resets are not wired');
		const temporary = await this.deps.account.resetPassword(target.id);
		await this.trail.append(actor.id, 'reset_password', target.id, '', null, this.now());
		return temporary;
	}

	// ---- audit log -------------------------------------------------------------------------

	/** Newest first; `before` pages back by entry id. The log is append-only: no edit, no delete. */
	auditLog(opts: { limit: number; before?: number }): Promise<Required<AuditEntry>[]> {
		return this.trail.page(opts);
	}

	/**
	 * An admin deleted someone else's message (chat/changes.ts checked the rule): audited as
	 * `delete_message` against the author. No notice: the message vanishing is the notice.
	 */
	async messageDeleted(actor: Actor, authorId: number): Promise<void> {
		await this.trail.append(actor.id, 'delete_message', authorId, '', null, this.now());
	}

	/** A room's settings changed by its creator or an admin (the room and the change in the reason). */
	async roomUpdated(actor: Actor, room: string, what: string): Promise<void> {
		await this.trail.append(
			actor.id,
			'update_room',
			actor.id,
			`#${room}: ${what}`.slice(0, 500),
			null,
			this.now()
		);
	}

	/** A member removed from a room by its creator or an admin (the room in the reason). */
	async memberRemoved(actor: Actor, userId: number, room: string): Promise<void> {
		await this.trail.append(actor.id, 'remove_member', userId, `#${room}`, null, this.now());
	}

	/** Writes the audit entry and tells everyone else online (the target got its own event). */
	private async record(
		actor: Actor,
		action: AuditAction,
		target: Target,
		reason: string,
		until: number | null,
		at = this.now()
	): Promise<void> {
		const id = await this.trail.append(actor.id, action, target.id, reason, until, at);
		const notice = noticeOf({ id, action, actor, target, reason, until, at });
		// The target already got kicked/muted/unmuted/banned; for the rest it hears the notice too.
		const targetHasOwnEvent = ['kick', 'mute', 'unmute', 'ban'].includes(action);
		this.delivery.notice(notice, targetHasOwnEvent ? target.id : undefined);
	}

	/** Stops the mute timers (tests that build a service of their own). */
	dispose(): void {
		this.mutes.dispose();
	}
}

function clean(reason: string | undefined): string {
	return (reason ?? '').trim().slice(0, 500);
}
