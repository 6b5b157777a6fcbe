/**
 * Sends one built request: the destination's host is resolved first and refused when it points
 * inside the network (unless allow-listed, ./url_policy.ts); redirects are not followed; 10 s
 * timeout; the answer is kept truncated for the log. No database here: callers record it.
 */
import { ANSWER_LIMIT } from "./retry.ts";
import { allowedHost, isPrivateAddress } from "./url_policy.ts";
import type { OutgoingRequest } from "./types.ts";

export interface SendResult {
  /** HTTP status, null when nothing answered. */
  status: number | null;
  answer: string;
  error: string | null;
}

export interface TransportOptions {
  allowHosts: readonly string[];
  fetch?: typeof fetch;
  resolve?: (host: string) => Promise<string[]>;
  timeoutMs?: number;
}

async function resolveHost(host: string): Promise<string[]> {
  const found: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      found.push(...await Deno.resolveDns(host, type));
    } catch {
      // no record of this type
    }
  }
  return found;
}

export async function send(
  request: OutgoingRequest,
  options: TransportOptions,
): Promise<SendResult> {
  const url = new URL(request.url);
  if (!allowedHost(url, options.allowHosts)) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = /^[\d.]+$|:/.test(host)
      ? [host]
      : await (options.resolve ?? resolveHost)(host);
    if (addresses.length === 0) return { status: null, answer: "", error: "DNS: no address" };
    if (addresses.some(isPrivateAddress)) {
      return { status: null, answer: "", error: "Refused: the host resolves to a private address" };
    }
  }
  try {
    const res = await (options.fetch ?? fetch)(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    return { status: res.status, answer: text.slice(0, ANSWER_LIMIT), error: null };
  } catch (error) {
    return {
      status: null,
      answer: "",
      error: String(error instanceof Error ? error.message : error).slice(0, ANSWER_LIMIT),
    };
  }
}
