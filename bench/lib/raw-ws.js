// A minimal WebSocket client (RFC 6455) for the load generator: one net.Socket, a hand-rolled
// frame parser and callbacks instead of streams and events. Receiving is what a load
// generator does most (one frame per client per broadcast), and the `ws` client's stream
// machinery costs about as much CPU per frame as the server spends sending it; this client
// keeps the load generator well below its core while the server saturates its own.
//
// Supports: text frames (fragmented or not), ping → pong, close, masked client frames.
// No extensions (no permessage-deflate), no binary payload handling beyond counting.

import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MASK_POOL = Buffer.alloc(4096);
let maskOffset = MASK_POOL.length;

function nextMask() {
	if (maskOffset + 4 > MASK_POOL.length) {
		randomFillSync(MASK_POOL);
		maskOffset = 0;
	}
	const m = MASK_POOL.subarray(maskOffset, maskOffset + 4);
	maskOffset += 4;
	return m;
}

/**
 * @typedef {{
 *   origin?: string,
 *   headers?: Record<string, string>,
 *   localAddress?: string,
 * }} RawOptions
 */

export class RawWebSocket {
	/** @param {string} url ws://host:port/path @param {RawOptions} [opts] */
	constructor(url, opts = {}) {
		const u = new URL(url);
		/** @type {(() => void) | null} */ this.onopen = null;
		/** @type {((text: string) => void) | null} */ this.onmessage = null;
		/** @type {((code: number) => void) | null} */ this.onclose = null;
		/** @type {((err: Error) => void) | null} */ this.onerror = null;
		/** @type {((status: number) => void) | null} */ this.onhttperror = null;
		this.open = false;
		this.closed = false;
		this.closeCode = 1006;
		this.binaryFrames = 0;
		/** @type {Buffer[]} */ this.chunks = [];
		this.chunksLen = 0;
		this.need = 0;
		/** @type {Buffer[] | null} */ this.fragments = null;
		this.handshakeDone = false;
		/** @type {Buffer | null} */ this.headerBuf = null;
		const key = randomBytes(16).toString('base64');
		this.expectedAccept = createHash('sha1')
			.update(key + GUID)
			.digest('base64');
		const lines = [
			`GET ${u.pathname}${u.search} HTTP/1.1`,
			`Host: ${u.host}`,
			'Upgrade: websocket',
			'Connection: Upgrade',
			`Sec-WebSocket-Key: ${key}`,
			'Sec-WebSocket-Version: 13'
		];
		if (opts.origin) lines.push(`Origin: ${opts.origin}`);
		for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`);
		this.socket = net.connect({
			host: u.hostname,
			port: Number(u.port || 80),
			localAddress: opts.localAddress
		});
		this.socket.setNoDelay(true);
		/** when TCP connected and when the 101 arrived (performance.now), for the stage timings */
		this.connectedAt = 0;
		this.openedAt = 0;
		this.socket.on('connect', () => {
			this.connectedAt = performance.now();
			this.socket.write(lines.join('\r\n') + '\r\n\r\n');
		});
		this.socket.on('data', (chunk) =>
			this.handshakeDone ? this.onData(chunk) : this.onHandshakeData(chunk)
		);
		this.socket.on('error', (err) => this.onerror?.(err));
		this.socket.on('close', () => {
			this.open = false;
			if (this.closed) return;
			this.closed = true;
			this.onclose?.(this.closeCode);
		});
	}

	/** @param {Buffer} chunk */
	onHandshakeData(chunk) {
		const buf = this.headerBuf ? Buffer.concat([this.headerBuf, chunk]) : chunk;
		const end = buf.indexOf('\r\n\r\n');
		if (end === -1) {
			if (buf.length > 65536) this.fail(new Error('handshake answer too large'));
			this.headerBuf = buf;
			return;
		}
		this.headerBuf = null;
		const head = buf.toString('latin1', 0, end);
		const status = Number(head.slice(9, 12));
		if (status !== 101) {
			this.onhttperror?.(status);
			this.terminate();
			return;
		}
		const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
		if (accept !== this.expectedAccept) {
			this.fail(new Error('bad Sec-WebSocket-Accept'));
			return;
		}
		if (/\r\nsec-websocket-extensions:/i.test(head)) {
			this.fail(new Error('server negotiated an extension that was not offered'));
			return;
		}
		this.handshakeDone = true;
		this.open = true;
		this.openedAt = performance.now();
		this.onopen?.();
		if (buf.length > end + 4) this.onData(buf.subarray(end + 4));
	}

	/** @param {Error} err */
	fail(err) {
		this.onerror?.(err);
		this.terminate();
	}

	/** @param {Buffer} chunk */
	onData(chunk) {
		if (this.chunksLen > 0) {
			this.chunks.push(chunk);
			this.chunksLen += chunk.length;
			if (this.chunksLen < this.need) return;
			chunk = Buffer.concat(this.chunks, this.chunksLen);
			this.chunks = [];
			this.chunksLen = 0;
		}
		let off = 0;
		const n = chunk.length;
		while (!this.closed) {
			const avail = n - off;
			if (avail < 2) {
				this.need = 2;
				break;
			}
			const b0 = chunk[off];
			const b1 = chunk[off + 1];
			let len = b1 & 0x7f;
			let hdr = 2;
			if (len === 126) {
				if (avail < 4) {
					this.need = 4;
					break;
				}
				len = chunk.readUInt16BE(off + 2);
				hdr = 4;
			} else if (len === 127) {
				if (avail < 10) {
					this.need = 10;
					break;
				}
				len = chunk.readUInt32BE(off + 2) * 2 ** 32 + chunk.readUInt32BE(off + 6);
				hdr = 10;
			}
			const masked = (b1 & 0x80) !== 0;
			if (masked) hdr += 4;
			if (avail < hdr + len) {
				this.need = hdr + len;
				break;
			}
			const start = off + hdr;
			const end = start + len;
			if (masked) {
				const m0 = off + hdr - 4;
				for (let i = start; i < end; i++) chunk[i] ^= chunk[m0 + ((i - start) & 3)];
			}
			this.onFrame(b0 & 0x80, b0 & 0x0f, chunk, start, end);
			off = end;
		}
		if (off < n && !this.closed) {
			this.chunks = [chunk.subarray(off)];
			this.chunksLen = n - off;
		}
	}

	/**
	 * @param {number} fin @param {number} opcode @param {Buffer} buf @param {number} start @param {number} end
	 */
	onFrame(fin, opcode, buf, start, end) {
		if (opcode === 1 || opcode === 2 || opcode === 0) {
			if (opcode === 2) this.binaryFrames++;
			if (!fin || this.fragments) {
				// Copy: the chunk's memory is reused once parsing moves on.
				(this.fragments ??= []).push(Buffer.from(buf.subarray(start, end)));
				if (!fin) return;
				const whole = Buffer.concat(this.fragments);
				this.fragments = null;
				this.onmessage?.(whole.toString('utf8'));
				return;
			}
			if (opcode === 1) this.onmessage?.(buf.toString('utf8', start, end));
		} else if (opcode === 9) {
			this.sendFrame(0x8a, buf.subarray(start, end));
		} else if (opcode === 8) {
			this.closeCode = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
			if (this.open) this.sendFrame(0x88, buf.subarray(start, Math.min(end, start + 2)));
			this.open = false;
			this.socket.end();
		}
	}

	/** @param {number} first @param {Buffer} payload */
	sendFrame(first, payload) {
		if (this.socket.destroyed) return;
		const len = payload.length;
		const hdr = len < 126 ? 2 : len < 65536 ? 4 : 10;
		const frame = Buffer.allocUnsafe(hdr + 4 + len);
		frame[0] = first;
		if (len < 126) frame[1] = 0x80 | len;
		else if (len < 65536) {
			frame[1] = 0x80 | 126;
			frame.writeUInt16BE(len, 2);
		} else {
			frame[1] = 0x80 | 127;
			frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
			frame.writeUInt32BE(len >>> 0, 6);
		}
		const mask = nextMask();
		mask.copy(frame, hdr);
		const p = hdr + 4;
		for (let i = 0; i < len; i++) frame[p + i] = payload[i] ^ mask[i & 3];
		this.socket.write(frame);
	}

	/** @param {string} text */
	send(text) {
		if (!this.open) return;
		this.sendFrame(0x81, Buffer.from(text, 'utf8'));
	}

	close(code = 1000) {
		if (!this.open) return this.terminate();
		const b = Buffer.alloc(2);
		b.writeUInt16BE(code, 0);
		this.sendFrame(0x88, b);
		this.open = false;
		this.socket.end();
		setTimeout(() => this.terminate(), 2000).unref();
	}

	terminate() {
		this.open = false;
		this.socket.destroy();
	}
}
