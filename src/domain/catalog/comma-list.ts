/** loonflow keeps lists (participants, limits) as comma-joined text; the items, trimmed, without blanks. */
export const splitComma = (s: string): string[] =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
