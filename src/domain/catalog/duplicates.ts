import { formatPath, type ProblemPath, type Report } from './problem-path.ts';

/** Reports every entry whose key an earlier entry already used; `scope` says where keys must be unique. */
export function reportDuplicates(report: Report, entries: { key: string | number; path: ProblemPath }[], what: string, scope = ''): void {
  const seen = new Map<string | number, ProblemPath>();
  for (const { key, path } of entries) {
    const first = seen.get(key);
    if (first) report(path, `duplicate ${what} ${JSON.stringify(key)}, already used at ${formatPath(first)}${scope}`);
    else seen.set(key, path);
  }
}
