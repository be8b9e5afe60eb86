import { getContext, setContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { ChatItem, ConvKey } from './conversation.svelte';

/**
 * What the user is doing to messages right now, shared by the rows, the composer and the
 * overlays of the chat page: which message is being edited, the reply being written per
 * conversation, the message whose deletion awaits confirmation, the one being reacted to, and
 * the message a clicked quote asks the list to show. Page state only: nothing here is sent.
 */
export class MessageUi {
	/** The message edited in place, in the list or in the thread panel (where both show it). */
	editing = $state.raw<{ id: number; inThread: boolean } | null>(null);
	/** Asks for its deletion in the dialog. */
	deleting = $state.raw<ChatItem | null>(null);
	/** The emoji picker is open for this message, beside `anchor` (viewport coordinates). */
	reacting = $state.raw<{ item: ChatItem; anchor: DOMRect; returnFocus?: HTMLElement } | null>(
		null
	);
	/** A quote was clicked: the list brings this message into view (`nonce` repeats a click). */
	reveal = $state.raw<{ convKey: ConvKey; id: number; nonce: number } | null>(null);
	private readonly replies = new SvelteMap<ConvKey, ChatItem>();
	private nonce = 0;

	replyOf(key: ConvKey): ChatItem | undefined {
		return this.replies.get(key);
	}

	startReply(key: ConvKey, item: ChatItem): void {
		this.replies.set(key, item);
	}

	cancelReply(key: ConvKey): void {
		this.replies.delete(key);
	}

	show(convKey: ConvKey, id: number): void {
		this.reveal = { convKey, id, nonce: ++this.nonce };
	}
}

const KEY = Symbol('message-ui');

export function provideMessageUi(ui: MessageUi): MessageUi {
	return setContext(KEY, ui);
}

export function messageUi(): MessageUi {
	return getContext<MessageUi>(KEY);
}
