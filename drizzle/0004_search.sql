-- Full-text search (PROTOCOL.md §11, issue 14): an FTS5 index of the text messages that exist.
-- Trigram tokenizer: every query term matches as a case-insensitive substring, which is what
-- text without spaces (Chinese, Japanese) needs; 2-character terms go through the term list
-- (messages_fts_terms, below), see storage/sqlite/search.ts.
--
-- Contentless-delete (content='', contentless_delete=1) rather than external content: the
-- index keeps no copy of the text (a deleted message's words are in `messages` or nowhere),
-- rows are removed by rowid alone (an external-content delete must be given the exact old
-- text, and drifts when it is not), and snippets are made from `messages.body` by the service
-- anyway, so highlight()/snippet() are not needed. 'secure-delete' makes a removal erase the
-- entries from the index pages at once instead of leaving them until the next merge
-- (PROTOCOL.md §10: a deleted message's text is erased, not hidden).
--
-- Each row is indexed as body || char(1): the sentinel gives a 2-character substring at the end
-- of a message a trigram that starts with it ("会议" at the end → "会议\x01"), so every
-- occurrence of a 2-character term is the prefix of some trigram. Queries never contain it.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`body`, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
INSERT INTO `messages_fts` (`messages_fts`, `rank`) VALUES ('secure-delete', 1);
--> statement-breakpoint
-- The index's term list (its b-tree of trigrams): a range read finds the trigrams that start
-- with a 2-character term.
CREATE VIRTUAL TABLE `messages_fts_terms` USING fts5vocab(`messages_fts`, 'row');
--> statement-breakpoint
INSERT INTO `messages_fts` (`rowid`, `body`)
	SELECT `id`, `body` || char(1) FROM `messages` WHERE `kind` = 'text' AND `deleted_at` IS NULL;
--> statement-breakpoint
-- Kept in step by triggers, so every writer (sends, edits, deletions, retention) updates the
-- index inside its own transaction, and no code path can forget it.
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages`
	WHEN NEW.`kind` = 'text' AND NEW.`deleted_at` IS NULL
BEGIN
	INSERT INTO `messages_fts` (`rowid`, `body`) VALUES (NEW.`id`, NEW.`body` || char(1));
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `body`, `deleted_at`, `kind` ON `messages`
BEGIN
	DELETE FROM `messages_fts` WHERE `rowid` = OLD.`id`;
	INSERT INTO `messages_fts` (`rowid`, `body`)
		SELECT NEW.`id`, NEW.`body` || char(1) WHERE NEW.`kind` = 'text' AND NEW.`deleted_at` IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
BEGIN
	DELETE FROM `messages_fts` WHERE `rowid` = OLD.`id`;
END;
