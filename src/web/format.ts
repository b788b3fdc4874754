/** How numbers and times read on the pages. */
export const count = (n: number): string => n.toLocaleString('en');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString('en-GB') : '–');
