import type { IncomingMessage } from 'node:http';
import { readCookie, SESSION_COOKIE, type SessionStore, type SessionUser } from '../auth/sessions';
import type { GuestIdSource } from '../chat/guest-ids';
import type { Config } from '../config';
import type { AddressLimits } from './address-limits';
import type { FloodPenalties } from './flood-penalty';
import { clientAddress } from './address';
import type { Identity } from './connection';
import { isTrustedOrigin } from './origin';

const WS_PATHS = new Set(['/ws', '/']);

/** An upgrade turned away before the handshake: the HTTP status, its text, the metric's reason. */
export interface Refusal {
	status: number;
	text: string;
	reason?: string;
	/** Seconds until the client may try again (a `Retry-After` header), when known. */
	retryAfter?: number;
}

/** An upgrade let through: the client's address and who it is (null: must send `auth`). */
export interface Admission {
	address: string;
	identity: Identity | null;
}

export interface UpgradePolicyDeps {
	config: Config;
	sessions: Pick<SessionStore, 'validate'>;
	guestIds: Pick<GuestIdSource, 'take' | 'nameFor'>;
	limits: Pick<AddressLimits, 'refusal'>;
	floods: Pick<FloodPenalties, 'waitMs'>;
	connectionCount(): number;
	closing(): boolean;
}

/**
 * Decides each upgrade before any WebSocket work is done (path, shutdown, capacity, Origin,
 * session, ban, per-address caps), cheapest checks first, so a refused socket costs one
 * short HTTP answer.
 */
export class UpgradePolicy {
	constructor(private readonly deps: UpgradePolicyDeps) {}

	async decide(req: IncomingMessage): Promise<Refusal | Admission> {
		const { config } = this.deps;
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!WS_PATHS.has(path)) return { status: 404, text: 'Not Found' };
		if (this.deps.closing()) return { status: 503, text: 'Shutting down', reason: 'shutting_down' };
		if (this.deps.connectionCount() >= config.maxConnections)
			return { status: 503, text: 'Server full', reason: 'server_full' };
		const address = clientAddress(req, config.proxy);
		let identity: Identity | null = null;
		// See origin.ts: the Origin must be the app's own (scheme and host) or allowed.
		if (isTrustedOrigin(req, config)) {
			const found = await this.deps.sessions.validate(
				readCookie(req.headers.cookie, SESSION_COOKIE) ?? '',
				address
			);
			if (found) {
				if (found.user.bannedAt) return { status: 403, text: 'Banned', reason: 'banned' };
				const penaltyMs = this.deps.floods.waitMs(found.user.id);
				if (penaltyMs > 0)
					return {
						status: 429,
						text: 'Too many messages; try again later',
						reason: 'flood',
						retryAfter: Math.ceil(penaltyMs / 1000)
					};
				identity = accountIdentity(found.user, found.session.id);
			}
		}
		// Per-address caps, before any guest id is spent: an account's socket counts towards
		// the connection cap only, so anonymous sockets from its address never lock it out.
		const refusal = this.deps.limits.refusal(address, !identity);
		if (refusal)
			return { status: 503, text: 'Too many connections from this address', reason: refusal };
		if (!identity && config.guests) identity = await this.newGuest(address);
		return { address, identity };
	}

	private async newGuest(address: string): Promise<Identity> {
		const id = await this.deps.guestIds.take();
		const name = this.deps.guestIds.nameFor(id);
		return { id, name, username: null, isAdmin: false, isGuest: true, sessionId: null, address };
	}
}

export function accountIdentity(user: SessionUser, sessionId: string | null): Identity {
	return {
		id: user.id,
		name: user.name,
		username: user.username,
		isAdmin: user.isAdmin,
		isGuest: false,
		sessionId
	};
}
