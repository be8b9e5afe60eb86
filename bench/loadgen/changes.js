// Change mode (scenario 7, issue 11): 1 in cfg.changeEvery operations of a sender is an edit
// of one of its recent messages or a reaction toggle on one, alternately. Every
// `message_edited` and `reaction` event delivered counts as a delivery, with its latency.
//
// An edit carries its send time and step tag in the new text, like a message. A reaction
// carries neither, so the sender notes (message id, on) → {tag, sent at}: every client lives
// in this one process, so the receivers read the same map.

import { nowAbs } from './output.js';
import { live, tagStats } from './state.js';

/** @typedef {import('./client.js').Client} Client */

/** How many of its latest message ids a sender keeps to pick from. */
const RECENT = 20;
const EMOJI = '👍';

/** @type {Map<string, {tag: number, sentAt: number}>} */
const pendingReactions = new Map();
let edits = 0;

/** @param {Client} c @param {number} id the id of a message this client sent */
export function noteOwnMessage(c, id) {
	if (!c.recent || !(id > 0)) return;
	c.recent.push(id);
	if (c.recent.length > RECENT) c.recent.shift();
}

/**
 * Sends the change if this operation is one; false when it is an ordinary message.
 * @param {Client} c @param {number} tag @param {number} senderIdx @param {number} every
 */
export function maybeSendChange(c, tag, senderIdx, every) {
	const op = c.ops++;
	if (!c.recent?.length || op % every !== every - 1 || !c.ws) return false;
	const id = c.recent[(op * 7) % c.recent.length];
	const sentAt = nowAbs();
	if ((op / every) % 2 < 1) {
		// The edited text keeps the message's layout: b|<send time>|<tag>|<sender>|e<n>
		const content = `b|${sentAt.toFixed(3)}|${tag}|${senderIdx}|e${edits++}`;
		c.ws.send(JSON.stringify({ type: 'edit_message', message_id: id, content }));
	} else {
		const on = !c.reacted.get(id);
		c.reacted.set(id, on);
		pendingReactions.set(`${id}:${on ? 1 : 0}`, { tag, sentAt });
		c.ws.send(JSON.stringify({ type: 'react', message_id: id, emoji: EMOJI, on }));
	}
	return true;
}

/** @param {any} ev a parsed `message_edited` or `reaction` event */
export function onChangeEvent(ev) {
	const body = ev.content ?? {};
	let tag;
	let sentAt;
	if (ev.type === 'message_edited') {
		const text = String(body.content ?? '');
		const p1 = text.indexOf('|', 2);
		const p2 = text.indexOf('|', p1 + 1);
		if (!text.startsWith('b|') || p1 === -1 || p2 === -1) return;
		sentAt = Number(text.slice(2, p1));
		tag = Number(text.slice(p1 + 1, p2));
	} else {
		const p = pendingReactions.get(`${body.message_id}:${body.on ? 1 : 0}`);
		if (!p) return;
		({ tag, sentAt } = p);
	}
	if (live.windowOpen) live.windowDeliveries++;
	const st = tagStats[tag];
	if (st) {
		st.received++;
		st.latency.record(nowAbs() - sentAt);
	}
}
