/** Theme choice: stored in a cookie so the server renders the first paint in it. */
export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
	const set = document.documentElement.dataset.theme;
	if (set === 'light' || set === 'dark') return set;
	return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
	document.documentElement.dataset.theme = theme;
	document.cookie = `theme=${theme}; path=/; max-age=31536000; samesite=lax`;
}

/** What the settings offer: a fixed theme, or "System" (follow prefers-color-scheme live). */
export type ThemeChoice = Theme | 'system';

export function themeChoice(): ThemeChoice {
	const set = document.documentElement.dataset.theme;
	return set === 'light' || set === 'dark' ? set : 'system';
}

/** "System" removes the pin and the cookie: the CSS follows the system again, also later changes. */
export function chooseTheme(choice: ThemeChoice): void {
	if (choice !== 'system') return applyTheme(choice);
	delete document.documentElement.dataset.theme;
	document.cookie = 'theme=; path=/; max-age=0; samesite=lax';
}
