import type { ReceivedEvent, ServerEvent } from '$lib/protocol/events';
import type { ChatState, Reducers } from '../state';
import { changeReducers } from './changes';
import { errorReducers } from './errors';
import { messageReducers } from './messages';
import { moderationReducers } from './moderation';
import { notifyReducers } from '../notify';
import { presenceReducers } from './presence';
import { profileReducers } from '../profile-events';
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
	...errorReducers,
	...notifyReducers,
	...profileReducers
};

type AnyReducer = (s: ChatState, content: unknown, event: ServerEvent) => void;

/** Applies one server event to the state; unknown types are ignored (newer servers may add some). */
export function reduce(s: ChatState, event: ReceivedEvent): void {
	if (!Object.hasOwn(reducers, event.type)) return;
	// A type we know: from here on the event is read as the union's member for it.
	const known = event as ServerEvent;
	(reducers[known.type] as AnyReducer)(s, event.content ?? {}, known);
}

export { onRooms } from './rooms';
