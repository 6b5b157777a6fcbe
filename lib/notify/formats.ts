/**
 * Each channel's own request, from a `NotificationMessage`, in the channel's language:
 *
 * - generic webhook: the message as JSON; `X-Lensloop-Timestamp: <unix seconds>` and
 *   `X-Lensloop-Signature: sha256=<hex HMAC-SHA-256(secret, timestamp + "." + raw body)>`, so a
 *   receiver can verify the sender and refuse replays (reject old timestamps, drop seen ids).
 * - WeCom (企业微信) group robot: `{"msgtype": "markdown", "markdown": {"content"}}` POSTed to the
 *   robot's URL (its `key` is the credential; WeCom robots have no signature); content at most
 *   4,096 bytes. Format as documented by WeCom ("群机器人配置说明",
 *   developer.work.weixin.qq.com/document/path/91770), seen via
 *   https://docs.zhuonian.xyz/api/wecom-webhook.html.
 * - DingTalk (钉钉) custom robot: with a signing secret ("加签"), `timestamp` (milliseconds) and
 *   `sign` = URL-encoded Base64(HMAC-SHA-256(key = secret, message = timestamp + "\n" + secret))
 *   are added to the URL's query; body `{"msgtype": "markdown", "markdown": {"title", "text"}}`.
 *   Algorithm as DingTalk's documentation gives it (Python sample quoted at
 *   https://blog.csdn.net/weixin_31560545/article/details/116255918; test vector of
 *   https://docs.rs/crate/dingding/latest/source/src/signature.rs, checked in our tests).
 * - Feishu (飞书) custom bot: with a signing secret, `timestamp` (seconds, as a string) and
 *   `sign` = Base64(HMAC-SHA-256(key = timestamp + "\n" + secret, message = "")) go in the JSON
 *   body; the message is an `interactive` card (header + lark_md text). Algorithm from Feishu's
 *   "自定义机器人使用指南" Python sample (quoted at https://m.down10s.com/jiaocheng/5605312225.html;
 *   Gitea's fix https://github.com/go-gitea/gitea/pull/34802 describes the same); Feishu refuses
 *   a timestamp more than an hour off.
 *
 * The robots answer HTTP 200 even when they refuse a message; `accepted()` reads their
 * `errcode` / `code` too.
 */
import { translator } from "../i18n/mod.ts";
import { hmacBase64, hmacHex } from "./crypto.ts";
import type { ChannelKind, NotificationMessage, NotifyLocale, OutgoingRequest } from "./types.ts";

/** WeCom's limit on markdown content, in UTF-8 bytes. */
export const WECOM_MAX_BYTES = 4096;

export interface ChannelTarget {
  kind: ChannelKind;
  url: string;
  secret: string | null;
  locale: NotifyLocale;
}

/** The message's title in `locale` ("护栏指标被突破 · coupon-card-bind"). */
export function titleOf(message: NotificationMessage, locale: NotifyLocale): string {
  const t = translator(locale);
  const type = t(`alert.type.${message.type}`);
  return message.experiment ? `${type} · ${message.experiment.key}` : type;
}

function markdownLines(message: NotificationMessage, locale: NotifyLocale): string[] {
  const t = translator(locale);
  const lines = [`**${escapeMarkdown(titleOf(message, locale))}**`];
  if (message.experiment) {
    lines.push(`> ${t("alert.field.experiment")}: ${escapeMarkdown(message.experiment.name)}`);
  }
  lines.push(`> ${t("alert.field.bank")}: ${message.bankId}`);
  lines.push(
    "",
    escapeMarkdown(message.summary[locale]),
    "",
    `${t("alert.field.at")}: ${message.at}`,
  );
  return lines;
}

/** Markdown that cannot open links or mentions from user-entered names. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** Cuts `text` to at most `max` UTF-8 bytes at a character boundary. */
export function truncateBytes(text: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= max) return text;
  let out = "";
  let size = 0;
  for (const ch of text) {
    const n = encoder.encode(ch).length;
    if (size + n > max - 3) break;
    out += ch;
    size += n;
  }
  return out + "…";
}

/** The request to send `message` to `target` at `nowMs`. */
export async function buildRequest(
  target: ChannelTarget,
  message: NotificationMessage,
  nowMs: number,
): Promise<OutgoingRequest> {
  const json = { "content-type": "application/json; charset=utf-8" };
  const seconds = String(Math.floor(nowMs / 1000));
  switch (target.kind) {
    case "webhook": {
      const body = JSON.stringify(message);
      const headers: Record<string, string> = {
        ...json,
        "x-lensloop-timestamp": seconds,
        "x-lensloop-event": message.type,
        "x-lensloop-delivery": message.id,
      };
      if (target.secret) {
        headers["x-lensloop-signature"] = `sha256=${await hmacHex(
          target.secret,
          `${seconds}.${body}`,
        )}`;
      }
      return { url: target.url, headers, body };
    }
    case "wecom": {
      const content = truncateBytes(
        markdownLines(message, target.locale).join("\n"),
        WECOM_MAX_BYTES,
      );
      return {
        url: target.url,
        headers: json,
        body: JSON.stringify({ msgtype: "markdown", markdown: { content } }),
      };
    }
    case "dingtalk": {
      const url = new URL(target.url);
      if (target.secret) {
        const ms = String(Math.floor(nowMs));
        // URLSearchParams encodes "+", "/" and "=" of the Base64 (%2B, %2F, %3D).
        url.searchParams.set("timestamp", ms);
        url.searchParams.set("sign", await hmacBase64(target.secret, `${ms}\n${target.secret}`));
      }
      const lines = markdownLines(message, target.locale);
      return {
        url: url.toString(),
        headers: json,
        body: JSON.stringify({
          msgtype: "markdown",
          markdown: { title: titleOf(message, target.locale), text: lines.join("\n\n") },
        }),
      };
    }
    case "feishu": {
      const signed = target.secret
        ? { timestamp: seconds, sign: await hmacBase64(`${seconds}\n${target.secret}`, "") }
        : {};
      const t = translator(target.locale);
      const text = [
        message.experiment
          ? `**${t("alert.field.experiment")}**: ${escapeMarkdown(message.experiment.name)}`
          : "",
        `**${t("alert.field.bank")}**: ${message.bankId}`,
        escapeMarkdown(message.summary[target.locale]),
        `${t("alert.field.at")}: ${message.at}`,
      ].filter(Boolean).join("\n");
      return {
        url: target.url,
        headers: json,
        body: JSON.stringify({
          ...signed,
          msg_type: "interactive",
          card: {
            config: { wide_screen_mode: true },
            header: {
              title: { tag: "plain_text", content: titleOf(message, target.locale) },
              template: message.type === "test" ? "blue" : "red",
            },
            elements: [{ tag: "div", text: { tag: "lark_md", content: text } }],
          },
        }),
      };
    }
  }
}

/**
 * Whether the destination took the message: a 2xx, and for the robots an answer without an
 * error code (WeCom and DingTalk `errcode`, Feishu `code` or `StatusCode`, 0 when accepted).
 */
export function accepted(kind: ChannelKind, status: number, answer: string): boolean {
  if (status < 200 || status > 299) return false;
  if (kind === "webhook") return true;
  try {
    const body = JSON.parse(answer);
    const code = body?.errcode ?? body?.code ?? body?.StatusCode ?? 0;
    return code === 0 || code === "0";
  } catch {
    return false;
  }
}
