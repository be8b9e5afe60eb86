import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Plugin, ViteDevServer } from 'vite';

/**
 * Attaches the WebSocket gateway to Vite's dev and preview servers. Vite's own HMR socket
 * (subprotocol `vite-hmr`) is left alone. The app is loaded through Vite's SSR module graph,
 * so it is the same App instance SvelteKit's routes use (registered on globalThis).
 */
type FileHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
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
			const load = () => server.ssrLoadModule('/src/lib/server/app.ts');
			attach(server, load);
			// Uploads and files are served before SvelteKit, as server.js does in production.
			server.middlewares.use(async (req, res, next) => {
				const url = req.url ?? '';
				const ours = ['/api/uploads', '/files/', '/api/me/avatar', '/avatars/'];
				if (!ours.some((prefix) => url.startsWith(prefix))) return next();
				const mod = (await load()) as {
					initApp: () => Promise<{
						files: { handle: FileHandler };
						avatars: { handle: FileHandler };
					}>;
				};
				const app = await mod.initApp();
				if (!app.files.handle(req, res) && !app.avatars.handle(req, res)) next();
			});
		}
	};
}
