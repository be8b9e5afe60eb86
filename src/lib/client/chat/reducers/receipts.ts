import { dmKey, roomKey } from '../../conversation.svelte';
import { advancePeer, advanceReader } from '../receipts';
import type { Reducers } from '../state';

/** Read receipts: someone read (live), and the answer to `get_receipts`. */
export const receiptReducers: Reducers = {
	message_read: (s, c) => {
		const id = Number(c.message_id);
		if ('with' in c && c.with !== undefined && c.with !== null) {
			const conv = s.conversations.get(dmKey(Number(c.with)));
			if (conv) advancePeer(conv, id);
			return;
		}
		const conv = s.conversations.get(roomKey(String(c.room)));
		if (conv) advanceReader(conv, Number(c.read_by), String(c.read_by_name), id);
	},
	receipts: (s, c) => {
		const id = Number(c.message_id);
		const key = s.receipts.answer(id);
		const conv = key && s.conversations.get(key);
		if (!conv) return;
		const readBy = Array.isArray(c.read_by) ? c.read_by : [];
		for (const r of readBy) {
			if (conv.kind === 'dm') advancePeer(conv, id);
			else advanceReader(conv, Number(r.user_id), String(r.name), id);
		}
	}
};
