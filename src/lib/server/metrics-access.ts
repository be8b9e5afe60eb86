import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestEvent } from '@sveltejs/kit';
import type { Config } from './config';
import { httpClientAddress } from './realtime/address';

/**
 * Who may read /metrics (connection counts, traffic, memory: useful to an attacker sizing
 * a flood). With METRICS_TOKEN set: only `Authorization: Bearer <token>`. Otherwise only
 * clients on loopback (a Prometheus on the same host), unless METRICS_PUBLIC=1 opens it.
 *
 * "Loopback" is the client address as the proxy settings give it (ADDRESS_HEADER), and a
 * request that carries any forwarding header never counts as loopback: a reverse proxy on
 * the same host connects from 127.0.0.1, but the client behind it is somewhere else.
 *
 * Returns 'ok', 'token' (401: send the token) or 'forbidden' (403).
 */
export function metricsAccess(
	event: Pick<RequestEvent, 'request' | 'getClientAddress'>,
	config: Pick<Config, 'metricsToken' | 'metricsPublic'>
): 'ok' | 'token' | 'forbidden' {
	const headers = event.request.headers;
	if (config.metricsToken) {
		const given = headers.get('authorization') ?? '';
		return sameSecret(given, `Bearer ${config.metricsToken}`) ? 'ok' : 'token';
	}
	if (config.metricsPublic) return 'ok';
	if (FORWARDING_HEADERS.some((name) => headers.has(name))) return 'forbidden';
	return isLoopback(httpClientAddress(event)) ? 'ok' : 'forbidden';
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

export function isLoopback(address: string): boolean {
	const a = address.startsWith('::ffff:') ? address.slice(7) : address;
	if (isIP(a) === 4) return a.startsWith('127.');
	return a === '::1';
}

/** Compares without leaking through timing how much of the token was right. */
function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
