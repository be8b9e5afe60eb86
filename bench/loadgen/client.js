// One simulated chat client and the list of all of them.

import { cfg } from './config.js';

/**
 * @typedef {{
 *   onopen: (() => void) | null,
 *   onmessage: ((text: string) => void) | null,
 *   onclose: ((code: number) => void) | null,
 *   onerror: ((err: Error) => void) | null,
 *   onhttperror: ((status: number) => void) | null,
 *   send(text: string): void,
 *   terminate(): void
 * }} Socket
 */

export class Client {
	/** @param {number} idx */
	constructor(idx) {
		this.idx = idx;
		/** @type {Socket | null} */
		this.ws = null;
		this.ready = false;
		this.welcomed = false;
		this.open = false;
		this.connectMs = 0;
		/** @type {number[] | null} ms: TCP connect, upgrade answered, ready after the upgrade */
		this.stages = null;
		/** @type {string | undefined} the session cookie it connects with (accounts) */
		this.cookie = undefined;
		this.lastId = 0;
		/** restart mode: when set, `resume {after_id}` goes out the moment the socket opens */
		/** @type {number | undefined} */
		this.resumeAfter = undefined;
		this.userId = 0;
		/** ack mode: client_id → send time (ms, performance.now) */
		/** @type {Map<string, number> | null} */
		this.outstanding = null;
		/** ack mode: called when a slot in `outstanding` frees (acknowledged or refused) */
		/** @type {(() => void) | null} */
		this.onSlotFree = null;
		this.room = cfg.room;
		/** @type {((ok: boolean, reason?: string) => void) | null} */
		this.settle = null;
		/** @type {((ev: any) => void) | null} */
		this.waiter = null;
		this.seq = 0;
		/** change mode (senders only): ids of this client's latest messages, newest last */
		/** @type {number[] | null} */
		this.recent = null;
		/** change mode: the client_id prefix of this sender's messages */
		this.ownPrefix = '';
		/** change mode: operations sent, and the reactions this client holds (message id → on) */
		this.ops = 0;
		/** @type {Map<number, boolean>} */
		this.reacted = new Map();
	}
}

/** @type {Client[]} */
export const clients = [];
