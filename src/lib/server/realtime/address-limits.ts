/**
 * What one client address holds open: sockets, anonymous sockets (guests and sockets that
 * have not logged in yet) and `auth` checks in progress. The caps keep one address from
 * filling MAX_CONNECTIONS, from holding the memory of many pending logins, and from using
 * fresh guest connections to flood. Addresses come from realtime/address.ts, so behind a
 * proxy (ADDRESS_HEADER) they are the clients', not the proxy's.
 */
export interface AddressCaps {
	maxConnectionsPerAddress: number;
	maxAnonymousPerAddress: number;
	maxPendingAuthPerAddress: number;
}

interface Counts {
	open: number;
	anonymous: number;
	pendingAuth: number;
}

export type AddressRefusal = 'address_full' | 'anonymous_full';

export class AddressLimits {
	/** Only addresses with something open are kept: the map is bounded by open sockets. */
	private readonly counts = new Map<string, Counts>();

	constructor(private readonly caps: AddressCaps) {}

	/** Why a new socket from `address` must be refused, or null when it may open. */
	refusal(address: string, anonymous: boolean): AddressRefusal | null {
		const c = this.counts.get(address);
		if (!c) return null;
		if (c.open >= this.caps.maxConnectionsPerAddress) return 'address_full';
		if (anonymous && c.anonymous >= this.caps.maxAnonymousPerAddress) return 'anonymous_full';
		return null;
	}

	opened(address: string, anonymous: boolean): void {
		const c = this.entry(address);
		c.open++;
		if (anonymous) c.anonymous++;
	}

	/** A socket of this address logged in as an account: it no longer counts as anonymous. */
	identified(address: string): void {
		const c = this.counts.get(address);
		if (c && c.anonymous > 0) c.anonymous--;
	}

	closed(address: string, anonymous: boolean): void {
		const c = this.counts.get(address);
		if (!c) return;
		c.open--;
		if (anonymous) c.anonymous--;
		this.forgetIfIdle(address, c);
	}

	/** Starts an `auth` check for the address; false when it already has the most allowed. */
	beginAuth(address: string): boolean {
		const c = this.entry(address);
		if (c.pendingAuth >= this.caps.maxPendingAuthPerAddress) return false;
		c.pendingAuth++;
		return true;
	}

	endAuth(address: string): void {
		const c = this.counts.get(address);
		if (!c) return;
		c.pendingAuth--;
		this.forgetIfIdle(address, c);
	}

	/** For tests and metrics: how many addresses hold something. */
	get size(): number {
		return this.counts.size;
	}

	private entry(address: string): Counts {
		let c = this.counts.get(address);
		if (!c) this.counts.set(address, (c = { open: 0, anonymous: 0, pendingAuth: 0 }));
		return c;
	}

	private forgetIfIdle(address: string, c: Counts): void {
		if (c.open <= 0 && c.pendingAuth <= 0) this.counts.delete(address);
	}
}
