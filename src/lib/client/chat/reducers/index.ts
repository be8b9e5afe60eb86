import type { ServerEvent } from '$lib/protocol/events';
import type { ChatState, Reducers } from '../state';
import type { Content } from '../types';
import { changeReducers } from './changes';
import { errorReducers } from './errors';
import { messageReducers } from './messages';
import { moderationReducers } from './moderation';
import { presenceReducers } from './presence';
import { receiptReducers } from './receipts';
import { roomReducers } from './rooms';
import { typingReducers } from './typing';

/** Every server event the browser understands, by type; one module per family. */
const reducers: Reducers = {
	...messageReducers,
	...changeReducers,
	...roomReducers,
	...presenceReducers,
	...typingReducers,
	...receiptReducers,
	...moderationReducers,
	...errorReducers
};

/** Applies one server event to the state; unknown types are ignored (newer servers may add some). */
export function reduce(s: ChatState, event: ServerEvent): void {
	if (!Object.hasOwn(reducers, event.type)) return;
	reducers[event.type](s, (event.content ?? {}) as Content, event);
}

export { onRooms } from './rooms';
