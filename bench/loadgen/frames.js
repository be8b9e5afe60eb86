// Every frame a client receives goes through onFrame: setup frames until the client is ready,
// then our own messages (latency, reach, acks) on a fast path without JSON.parse, and
// everything else counted by type.

import { performance } from 'node:perf_hooks';
import { noteOwnMessage, onChangeEvent } from './changes.js';
import { cfg } from './config.js';
import { nowAbs } from './output.js';
import { bump, counters, live, tagStats } from './state.js';

/** @typedef {import('./client.js').Client} Client */

/** @param {Client} c @param {string} s */
export function onFrame(c, s) {
	counters.totalFrames++;
	live.lastFrameAt = performance.now();
	if (!c.ready) return onSetupFrame(c, s);
	if (c.waiter) {
		const ev = parse(s);
		if (ev !== undefined) c.waiter(ev);
		return;
	}
	if (cfg.changeEvery > 0) {
		const type = peekType(s);
		if (type === 'message_edited' || type === 'reaction') {
			const ev = parse(s);
			if (ev !== undefined) onChangeEvent(ev);
			return;
		}
	}
	if (s.indexOf('"b|') === -1) {
		if (onOtherFrame(s) === 'error' && c.outstanding && c.outstanding.size > 0) {
			// A refused send (rate_limited, too_large...) will never be acknowledged: free its slot.
			const oldest = c.outstanding.keys().next().value;
			if (oldest !== undefined) c.outstanding.delete(oldest);
			c.onSlotFree?.();
		}
		return;
	}
	let id;
	let content;
	/** @type {string | undefined} */
	let clientId;
	const k = s.indexOf('"b|');
	if (peekType(s) === 'message' && s.indexOf('"b|', k + 3) === -1) {
		// Fast path, no JSON.parse: one message event whose content is ours (no escapes in it).
		const i = s.indexOf('"id":');
		id = i === -1 ? NaN : parseInt(s.slice(i + 5, i + 30), 10);
		content = s.slice(k + 1, s.indexOf('"', k + 1));
		if (c.outstanding || c.recent) {
			const j = s.indexOf('"client_id":"');
			if (j !== -1) clientId = s.slice(j + 13, s.indexOf('"', j + 13));
		}
	} else {
		const ev = parse(s);
		if (ev === undefined) return;
		if (ev.type !== 'message') {
			bump(counters.eventsByType, String(ev.type));
			if (ev.type === 'error') bump(counters.errorsByCode, String(ev.content?.code ?? 'unknown'));
			return;
		}
		id = Number(ev.id);
		content = String(ev.content);
		clientId = ev.client_id ?? undefined;
	}
	if (c.recent && clientId?.startsWith(c.ownPrefix)) noteOwnMessage(c, id);
	if (id <= c.lastId) counters.orderViolations++;
	c.lastId = id;
	// content: b|<abs send time ms>|<tag>|<sender>|<seq>|<padding>
	const p1 = content.indexOf('|', 2);
	const p2 = content.indexOf('|', p1 + 1);
	const sentAt = Number(content.slice(2, p1));
	const tag = Number(content.slice(p1 + 1, p2));
	const latency = nowAbs() - sentAt;
	const st = tagStats[tag];
	if (live.windowOpen) live.windowDeliveries++;
	if (st) {
		st.received++;
		st.latency.record(latency);
	}
	if (c.outstanding && clientId !== undefined) {
		const t = c.outstanding.get(clientId);
		if (t !== undefined) {
			c.outstanding.delete(clientId);
			if (st) {
				st.acked++;
				st.ackLatency.record(performance.now() - t);
			}
			if (live.windowOpen) live.windowAcks++;
			c.onSlotFree?.();
		}
	}
}

/** @param {string} s @returns {string | undefined} the event type */
function onOtherFrame(s) {
	let type = peekType(s);
	if (type === undefined) {
		const ev = parse(s);
		if (ev === undefined) return;
		type = String(ev.type);
	}
	bump(counters.eventsByType, type);
	if (type === 'error') {
		const ev = parse(s);
		if (ev !== undefined) bump(counters.errorsByCode, String(ev.content?.code ?? 'unknown'));
	}
	return type;
}

/** @param {Client} c @param {string} s */
function onSetupFrame(c, s) {
	// Only the welcome needs parsing; `users` grows with the number online (O(N) per connect),
	// so it is recognised by its type and skipped.
	const type = peekType(s);
	if (type === 'users' || type === 'join') return;
	// Restart mode: a resumed client's missed and live messages can come before its history.
	if (c.waiter && (type === 'message' || type === 'resumed')) {
		const ev = parse(s);
		if (ev !== undefined) c.waiter(ev);
		return;
	}
	if (type === 'history' && c.welcomed) return c.settle?.(true);
	const ev = parse(s);
	if (ev === undefined) return;
	if (ev.type === 'welcome') {
		c.welcomed = true;
		c.userId = Number(ev.content?.user_id ?? 0);
		if (cfg.readyOn === 'welcome') c.settle?.(true);
		else
			setTimeout(() => {
				if (!c.ready && c.open) {
					counters.readyWithoutHistory++;
					c.settle?.(true);
				}
			}, 5000).unref();
	} else if (ev.type === 'history' && c.welcomed) c.settle?.(true);
	else if (ev.type === 'auth_failed') c.settle?.(false, 'auth_failed');
	else if (ev.type === 'error') bump(counters.errorsByCode, String(ev.content?.code ?? 'unknown'));
}

/**
 * The frame as JSON, or undefined (and counted) when it does not parse.
 * @param {string} s @returns {any}
 */
function parse(s) {
	try {
		return JSON.parse(s);
	} catch {
		counters.parseErrors++;
		return undefined;
	}
}

/**
 * The event type without parsing the frame, when `type` is among the first keys.
 * @param {string} s
 */
function peekType(s) {
	const i = s.indexOf('"type":"');
	if (i === -1 || i > 64) return undefined;
	const j = s.indexOf('"', i + 8);
	return j === -1 ? undefined : s.slice(i + 8, j);
}
