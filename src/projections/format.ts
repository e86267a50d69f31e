/** `YYYY-MM-DD HH:MM:SS` in the process's zone (TZ), as loonflow renders every timestamp. */
export function formatTimestamp(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const d = new Date(value);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
