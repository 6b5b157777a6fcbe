/**
 * Which URLs a channel may point at (server-side request forgery): `https:` only, no user or
 * password in the URL, and never an address inside the network (loopback, private, link-local,
 * carrier-grade NAT, multicast, reserved; IPv6 unique-local and link-local; IPv4-mapped IPv6)
 * — neither as a literal host nor as what the host name resolves to when a message is sent.
 * Hosts on the allow-list (`NOTIFY_ALLOW_HOSTS`, comma-separated `host` or `host:port`) are
 * exempt from both rules, and may use `http:`: an internal relay, or the tests' loopback
 * receivers. Redirects are never followed (transport.ts).
 */
export type UrlRefusal =
  | "URL_INVALID"
  | "URL_NOT_HTTPS"
  | "URL_CREDENTIALS"
  | "URL_PRIVATE_ADDRESS";

/** Parses `NOTIFY_ALLOW_HOSTS`: lower-case `host` or `host:port` entries. */
export function parseAllowList(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** `[::1]` → `::1`. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

export function allowedHost(url: URL, allow: readonly string[]): boolean {
  const host = bareHost(url.hostname);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return allow.some((entry) => {
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry);
    if (!m) return false;
    // "::1" has colons but no port: an entry is host:port only when the host part has no colon.
    const [h, p] = entry.includes("]") || (entry.match(/:/g) ?? []).length === 1
      ? [m[1], m[2]]
      : [entry.replace(/^\[|\]$/g, ""), undefined];
    return h === host && (p === undefined || p === port);
  });
}

function ipv4Parts(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : null;
}

/** Whether an IP address (v4 or v6, as text) is not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const host = bareHost(address);
  const v4 = ipv4Parts(host);
  if (v4) {
    const [a, b] = v4;
    return a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0 && v4[2] === 0) ||
      (a === 198 && (b === 18 || b === 19));
  }
  if (!host.includes(":")) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return isPrivateAddress(mapped[1]);
  if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(host)) return true; // mapped, hex form
  if (host === "::" || host === "::1") return true;
  const first = parseInt(host.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link local
    (first & 0xff00) === 0xff00 || // multicast
    first === 0; // ::/8 and the rest of the reserved block
}

/** Names that always mean this machine or the local network. */
function localName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") ||
    host.endsWith(".internal") || !host.includes(".") && !host.includes(":");
}

/** Checks a channel URL as given (before any name is resolved). */
export function checkUrl(
  raw: string,
  allow: readonly string[],
): { ok: true; url: URL } | { ok: false; code: UrlRefusal } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: "URL_INVALID" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, code: "URL_INVALID" };
  }
  if (url.username || url.password) return { ok: false, code: "URL_CREDENTIALS" };
  if (allowedHost(url, allow)) return { ok: true, url };
  if (url.protocol !== "https:") return { ok: false, code: "URL_NOT_HTTPS" };
  const host = bareHost(url.hostname);
  if (isPrivateAddress(host) || localName(host)) return { ok: false, code: "URL_PRIVATE_ADDRESS" };
  return { ok: true, url };
}

/** What may be shown of a channel URL: scheme, host, path; query values and long paths masked. */
export function urlHint(url: URL): string {
  const path = url.pathname.length > 24 ? `${url.pathname.slice(0, 20)}…` : url.pathname;
  const query = [...url.searchParams.keys()].map((k) => `${k}=…`).join("&");
  return `${url.protocol}//${url.host}${path}${query ? `?${query}` : ""}`;
}
