import type { ClientMessage, ClientMessageType } from '$lib/protocol/client';
import type { App } from '../../app';
import type { Connection, Identity } from '../connection';

export interface HandlerContext {
	app: App;
	conn: Connection;
	/** The identity of an authenticated connection (handlers other than auth/ping only run then). */
	who: Identity;
	/** performance.now() when the frame arrived (send-latency metrics). */
	receivedAt: number;
}

export type Handler<T extends ClientMessageType> = (
	ctx: HandlerContext,
	msg: ClientMessage<T>
) => void | Promise<void>;

export type HandlerMap = { [K in ClientMessageType]?: Handler<K> };
