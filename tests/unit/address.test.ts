import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, requestHost } from '../../src/lib/server/realtime/address';

const req = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
	({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
	it('ignores forwarded headers unless ADDRESS_HEADER names one', () => {
		expect(clientAddress(req({ 'x-forwarded-for': '6.6.6.6' }), { xffDepth: 1 })).toBe('127.0.0.1');
	});

	it('takes the XFF_DEPTH-th entry from the right of X-Forwarded-For', () => {
		const proxy = { addressHeader: 'x-forwarded-for', xffDepth: 1 };
		const spoofed = req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9' });
		expect(clientAddress(spoofed, proxy)).toBe('203.0.113.9');
		expect(clientAddress(spoofed, { ...proxy, xffDepth: 2 })).toBe('6.6.6.6');
		expect(clientAddress(spoofed, { ...proxy, xffDepth: 5 })).toBe('6.6.6.6');
	});

	it('reads a single-address header as is, and falls back to the socket without it', () => {
		const proxy = { addressHeader: 'x-real-ip', xffDepth: 1 };
		expect(clientAddress(req({ 'x-real-ip': ' 198.51.100.3 ' }), proxy)).toBe('198.51.100.3');
		expect(clientAddress(req({}, '10.0.0.8'), proxy)).toBe('10.0.0.8');
	});
});

describe('requestHost', () => {
	it('prefers the configured forwarded host header', () => {
		const r = req({ host: '127.0.0.1:3000', 'x-forwarded-host': 'chat.example' });
		expect(requestHost(r, { xffDepth: 1 })).toBe('127.0.0.1:3000');
		expect(requestHost(r, { xffDepth: 1, hostHeader: 'x-forwarded-host' })).toBe('chat.example');
	});
});
