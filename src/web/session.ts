/**
 * The API key for this tab: kept in sessionStorage (gone when the tab closes,
 * never in a URL or a cookie) and sent by api.ts as the x-api-key header.
 */
const STORAGE_KEY = 'batchcode.api-key';

export const getKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const setKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key);
export const clearKey = (): void => sessionStorage.removeItem(STORAGE_KEY);
