import type { AuditAction } from '$lib/protocol/admin';
import type { AuthService } from '../auth/service';
import type { SessionUser } from '../auth/sessions';
import { forbidden, notFound } from '../errors';
import type { Identity } from '../realtime/connection';
import type { OnlineDirectory } from '../realtime/online';

/** Who performs an action: a connection's identity or the HTTP session's user. */
export type Actor = Pick<Identity, 'id' | 'name' | 'isGuest'>;

/** The user an action is aimed at: an account (online or not) or an online guest. */
export interface Target {
	id: number;
	name: string;
	isGuest: boolean;
	account: SessionUser | undefined;
}

export interface PolicyDeps {
	auth: Pick<AuthService, 'getUser'>;
	/** Who is online: guests exist only there, and an online name is the current one. */
	presence: Pick<OnlineDirectory, 'user'>;
}

/** The rules of moderation (PROTOCOL.md §7): who may act, and on whom. */
export class ModerationPolicy {
	constructor(private readonly deps: PolicyDeps) {}

	/** Only a current admin account may act (checked against storage: roles change live). */
	async assertAdmin(actor: Actor): Promise<void> {
		const account = actor.isGuest ? undefined : await this.deps.auth.getUser(actor.id);
		if (!account?.isAdmin || account.bannedAt) throw forbidden('Only admins can do that');
	}

	/**
	 * The rules of PROTOCOL.md §7, in order: the actor is an admin (403 before 404, so
	 * non-admins learn nothing about ids), the target exists, it is not the actor, and
	 * kick/mute/ban never hit an admin. Lifting a restriction (unmute, unban) and changing
	 * roles may target an admin; bans and roles need an account.
	 */
	async authorize(actor: Actor, targetId: number, action: AuditAction): Promise<Target> {
		await this.assertAdmin(actor);
		const target = await this.findTarget(targetId);
		if (target.id === actor.id) throw forbidden(`You cannot ${action} yourself`);
		const isAdmin = target.account?.isAdmin ?? false;
		if (isAdmin && (action === 'kick' || action === 'mute' || action === 'ban'))
			throw forbidden(`Admins cannot ${action} another admin`);
		if (target.isGuest && action !== 'kick' && action !== 'mute' && action !== 'unmute')
			throw forbidden(`Guests have no account to ${action}; kick them instead`);
		return target;
	}

	private async findTarget(id: number): Promise<Target> {
		const online = await this.deps.presence.user(id);
		if (online?.is_guest) return { id, name: online.name, isGuest: true, account: undefined };
		const account = await this.deps.auth.getUser(id);
		if (!account) throw notFound('User not found');
		return { id, name: online?.name ?? account.name, isGuest: false, account };
	}
}
