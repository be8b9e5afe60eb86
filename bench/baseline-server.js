#!/usr/bin/env node
// The bare `ws` broadcast server the benchmark compares against: parse JSON, stamp an
// increasing id, JSON.stringify once, send the same string to every client. It speaks
// just enough of the chat protocol (welcome / users / history on connect, `message`
// echo to everyone including the sender, ping → pong) for bench/loadgen.js to drive it
// exactly like the real server. No auth, no database, no rate limit, no coalescing.
//
// Usage: node bench/baseline-server.js [port]     (or PORT=...; HOST defaults to 127.0.0.1)
// Prints one line `{"listening":<port>}` on stdout when ready; stops on SIGTERM/SIGINT.

import http from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3100);
const host = process.env.HOST ?? '127.0.0.1';
const started = Date.now();

const server = http.createServer((req, res) => {
	if (req.url === '/healthz') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"status":"ok"}');
		return;
	}
	res.writeHead(404).end();
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 65536 });

server.on('upgrade', (req, socket, head) => {
	const path = (req.url ?? '/').split('?')[0];
	if (path !== '/ws' && path !== '/') {
		socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
		return;
	}
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

let nextUserId = 1_000_000_000;
let nextMessageId = 1;
const now = () => Math.floor(Date.now() / 1000);

wss.on('connection', (ws) => {
	const userId = nextUserId++;
	const userName = `User${userId - 999_999_999}`;
	const ts = now();
	ws.send(
		JSON.stringify({
			type: 'welcome',
			from_id: 0,
			from_name: 'System',
			timestamp: ts,
			content: {
				user_id: userId,
				user_name: userName,
				message: 'Welcome (baseline server)',
				is_admin: false,
				is_guest: true,
				server_stats: {
					users_online: wss.clients.size,
					uptime_seconds: Math.floor((Date.now() - started) / 1000),
					server_time: ts
				},
				rooms: [
					{
						name: 'general',
						topic: '',
						members: wss.clients.size,
						unread: 0,
						last_message_id: nextMessageId - 1
					}
				]
			}
		})
	);
	ws.send(
		JSON.stringify({ type: 'users', from_id: 0, from_name: 'System', timestamp: ts, content: [] })
	);
	ws.send(
		JSON.stringify({
			type: 'history',
			from_id: 0,
			from_name: 'System',
			timestamp: ts,
			content: { room: 'general', messages: [], has_more: false }
		})
	);

	ws.on('message', (data, isBinary) => {
		if (isBinary) return;
		let msg;
		try {
			msg = JSON.parse(data.toString());
		} catch {
			return;
		}
		if (msg === null || typeof msg !== 'object') return;
		if (msg.type === 'message') {
			const out = JSON.stringify({
				type: 'message',
				id: nextMessageId++,
				room: 'general',
				from_id: userId,
				from_name: userName,
				content: msg.content,
				timestamp: now(),
				client_id: msg.client_id
			});
			for (const client of wss.clients) {
				if (client.readyState === WebSocket.OPEN) client.send(out);
			}
		} else if (msg.type === 'ping') {
			ws.send(
				JSON.stringify({
					type: 'pong',
					from_id: 0,
					from_name: 'System',
					timestamp: now(),
					content: null
				})
			);
		}
	});
	ws.on('error', () => {});
});

// The same listen backlog as ours (LISTEN_BACKLOG): with Node's 511 a storm of 10,000 overflowed it
// and the dropped SYNs, retried 1, 2, 4… s later, made this baseline's time vary from 4 to 28 s.
server.listen({ port, host, backlog: 4096 }, () => {
	const addr = server.address();
	process.stdout.write(
		JSON.stringify({ listening: typeof addr === 'object' && addr ? addr.port : port }) + '\n'
	);
});

let stopping = false;
function stop() {
	if (stopping) return;
	stopping = true;
	for (const client of wss.clients) client.terminate();
	server.close(() => process.exit(0));
	setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
