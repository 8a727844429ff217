/**
 * What a run lock is keyed on: the target and the sandbox it trades in. URLs are compared as
 * written apart from case and a trailing slash (no DNS: `localhost` and `127.0.0.1` are two
 * keys), so the same command line always takes the same lock.
 */
export function runLockKey(target: string, sandboxPrefix: string): string {
  let normal = target.trim();
  const url = /^(wss?):\/\/([^/]+)(.*)$/i.exec(normal);
  if (url)
    normal = `${url[1]?.toLowerCase()}://${url[2]?.toLowerCase()}${(url[3] ?? '').replace(/\/+$/, '')}`;
  return `${normal}\u0000${sandboxPrefix}`;
}
