// A problem of a config document names where it is, in the document's own spelling
// (`workflows[0].states[3].participant`), so the author can find it without counting.

export type ProblemPath = readonly PropertyKey[];

export const formatPath = (path: ProblemPath): string => {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || 'document';
};

export const problemAt = (path: ProblemPath, message: string): string => `${formatPath(path)}: ${message}`;

/** Where a rule reports what it found. */
export type Report = (path: ProblemPath, message: string) => void;
