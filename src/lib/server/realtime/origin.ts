import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { requestHost, type ProxySettings } from './address';

export interface OriginSettings {
	/** ORIGIN: the app's public origin, when the operator set it. */
	origin?: string;
	allowedOrigins: string[];
	proxy: ProxySettings & { protocolHeader?: string };
}

/**
 * The scheme the client used: the protocol header when one is configured (a proxy's
 * `x-forwarded-proto`, or the one server.js sets itself on every request), else the socket's.
 */
export function requestScheme(req: IncomingMessage, protocolHeader?: string): 'http' | 'https' {
	const raw = protocolHeader ? req.headers[protocolHeader] : undefined;
	const value = (Array.isArray(raw) ? raw[0] : raw)?.split(',')[0].trim().toLowerCase();
	if (value === 'http' || value === 'https') return value;
	return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/**
 * A session cookie counts only when the Origin is the app's own (or allowed): this blocks
 * cross-site WebSocket hijacking. Without ORIGIN the app's own origin is the scheme and host
 * the request came with: comparing the host alone let a page served over plain http (say,
 * one an attacker on the network injected into http://chat.example) use the cookies of
 * https://chat.example. Clients that send no Origin are not browsers.
 */
export function isTrustedOrigin(req: IncomingMessage, settings: OriginSettings): boolean {
	const origin = req.headers.origin;
	if (!origin) return true;
	if (settings.allowedOrigins.includes(origin)) return true;
	if (settings.origin) return origin === settings.origin;
	try {
		const url = new URL(origin);
		return (
			url.host === requestHost(req, settings.proxy) &&
			url.protocol === `${requestScheme(req, settings.proxy.protocolHeader)}:`
		);
	} catch {
		return false;
	}
}
