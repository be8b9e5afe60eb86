// A room of 100 accounts chatting (10 senders × 10 msg/s) in a room of its own, started before
// something disruptive (scenario 9's connect storm, scenario 11's logins) so that its measured
// window shows what the others connected meanwhile live through.

import { runLoadgen } from './loadgen-process.js';

export const CHAT_CLIENTS = 100;

/**
 * Starts the chat; resolves when its measured window begins (or the load generator ended).
 * @param {{ pid: number, wsUrl: string }} server @param {string} label @param {number} seconds
 */
export async function startRoomChat(server, label, seconds) {
	/** @type {(v?: unknown) => void} */
	let onWindow = () => {};
	const windowStarted = new Promise((r) => (onWindow = r));
	const chat = runLoadgen(
		{
			url: server.wsUrl,
			mode: 'broadcast',
			clients: CHAT_CLIENTS,
			senders: 10,
			rate: 10,
			// Accounts (guests cannot create rooms): the first creates the room, the rest join.
			auth: 'register',
			users: CHAT_CLIENTS,
			userPrefix: 'chat',
			room: 'room-chat',
			joinRoom: true,
			warmup: 2,
			duration: seconds,
			retryContended: 0
		},
		{ serverPid: server.pid, label, onEvent: (ev) => ev.ev === 'step_start' && onWindow() }
	);
	await Promise.race([windowStarted, chat.done]);
	return chat;
}
