// HOOK_HOST_ALLOWED (contract §2): the hosts hooks and notices may call. Unset means any; set,
// only the listed `host[:port]` (loonflow compares the URL's netloc). A refusal is an outcome
// the caller records, never a silent drop.

export interface HostAllowList {
  /** undefined when every host is allowed. */
  readonly hosts?: ReadonlySet<string>;
}

export function parseHostAllowList(setting: string | undefined): HostAllowList {
  if (setting === undefined) return {};
  return {
    hosts: new Set(
      setting
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    ),
  };
}

/** Why `url` may not be called; undefined when it may. */
export function hostRefusal(list: HostAllowList, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url.slice(0, 200)}" is not a valid URL.`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `Only http and https URLs can be called, not ${parsed.protocol}.`;
  if (!list.hosts) return undefined;
  // URL drops a default port: "host:80" in the list must match "http://host/".
  const netloc = parsed.host.toLowerCase();
  const withPort = parsed.port ? netloc : `${netloc}:${parsed.protocol === 'https:' ? 443 : 80}`;
  if (list.hosts.has(netloc) || list.hosts.has(withPort)) return undefined;
  return `Host ${netloc} is not in HOOK_HOST_ALLOWED; ask an administrator to add it.`;
}
