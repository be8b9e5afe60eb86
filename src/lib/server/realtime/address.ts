import type { IncomingMessage } from 'node:http';

/** The reverse-proxy settings adapter-node reads too (ADDRESS_HEADER, XFF_DEPTH, HOST_HEADER). */
export interface ProxySettings {
	addressHeader?: string;
	xffDepth: number;
	hostHeader?: string;
}

/**
 * The client's address for throttling, read the way adapter-node's `getClientAddress()`
 * reads it for HTTP requests, so a WebSocket `auth` and the login page share one counter.
 * Forwarded headers count only when the operator named one (behind a proxy that sets it);
 * otherwise a client could pick its own address. With `X-Forwarded-For` the entry
 * `xffDepth` from the right is taken: the one the trusted proxy appended.
 */
export function clientAddress(req: IncomingMessage, proxy: ProxySettings): string {
	const direct = req.socket.remoteAddress ?? '';
	if (!proxy.addressHeader) return direct;
	const raw = req.headers[proxy.addressHeader];
	const value = Array.isArray(raw) ? raw.join(',') : raw;
	// A connection that did not come through the proxy has no header: its own address is true.
	if (!value) return direct;
	if (proxy.addressHeader !== 'x-forwarded-for') return value.trim();
	const hops = value.split(',').map((s) => s.trim());
	return hops[Math.max(0, hops.length - proxy.xffDepth)] || direct;
}

/** The host the client asked for: the proxy's forwarded host header when configured. */
export function requestHost(req: IncomingMessage, proxy: ProxySettings): string | undefined {
	const forwarded = proxy.hostHeader ? req.headers[proxy.hostHeader] : undefined;
	return (Array.isArray(forwarded) ? forwarded[0] : forwarded) || req.headers.host;
}

/**
 * The client's address for an HTTP request, as `event.getClientAddress()` gives it — except
 * that adapter-node throws (a 500) when ADDRESS_HEADER is set and a request comes without
 * it. Such a request did not come through the proxy, so its own socket address is true: the
 * same rule `clientAddress` applies to WebSocket upgrades.
 */
export function httpClientAddress(event: {
	getClientAddress(): string;
	platform?: unknown;
}): string {
	try {
		return event.getClientAddress();
	} catch {
		const req = (event.platform as { req?: IncomingMessage } | undefined)?.req;
		return req?.socket.remoteAddress ?? 'unknown';
	}
}
