import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Plugin, ViteDevServer } from 'vite';

/**
 * Attaches the WebSocket gateway to Vite's dev and preview servers. Vite's own HMR socket
 * (subprotocol `vite-hmr`) is left alone. The app is loaded through Vite's SSR module graph,
 * so it is the same App instance SvelteKit's routes use (registered on globalThis).
 */
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function realtimeDevPlugin(): Plugin {
	const attach = (server: ViteDevServer, load: () => Promise<unknown>) => {
		server.httpServer?.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
			if (req.headers['sec-websocket-protocol']?.includes('vite-hmr')) return;
			const path = new URL(req.url ?? '/', 'http://localhost').pathname;
			if (path !== '/ws' && path !== '/') return;
			const mod = (await load()) as {
				initApp: () => Promise<{ gateway: { handleUpgrade: UpgradeHandler } }>;
			};
			// The first upgrade may come before any page request ran the init hook.
			(await mod.initApp()).gateway.handleUpgrade(req, socket, head);
		});
	};
	return {
		name: 'chat-realtime',
		configureServer(server) {
			attach(server, () => server.ssrLoadModule('/src/lib/server/app.ts'));
		}
	};
}
