import assert from "node:assert/strict";
import { type ConfigNotice, formatNotice, parseNotice } from "./config_notice.ts";

Deno.test("every config notice formats and parses back, units with colons included", () => {
  const notices: ConfigNotice[] = [
    { kind: "experiments", bankId: "CC2" },
    { kind: "customers", bankId: "CC2" },
    { kind: "customers", bankId: "CC2", unit: "C100000001" },
    { kind: "customers", bankId: "icbc_sh", unit: "wx:openid:张三" },
    { kind: "key", keyHash: "a".repeat(64) },
    { kind: "arms" },
    { kind: "all" },
    { kind: "sync", token: crypto.randomUUID() },
    { kind: "query", writer: crypto.randomUUID(), token: crypto.randomUUID() },
    { kind: "reply", token: crypto.randomUUID(), instance: crypto.randomUUID() },
  ];
  for (const notice of notices) assert.deepEqual(parseNotice(formatNotice(notice)), notice);
  assert.equal(parseNotice("x:1"), null);
  assert.equal(parseNotice("q:no-token"), null);
});

Deno.test("the triggers of migration 0005 send the payloads parseNotice reads", async () => {
  const sql = await Deno.readTextFile(
    new URL("../migrations/0005_config_notify.ts", import.meta.url),
  );
  const sent = [...sql.matchAll(/pg_notify\('lensloop_config', '([^']*)'/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(sent)].sort(), ["c:", "e:", "k:"]);
  const payloads = [...sql.matchAll(/lensloop_notify_payload\('([^']*)'\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(payloads)].sort(), ["*", "a"]);
  // What the triggers build: prefix || bank_id [|| ':' || unit], or a fixed payload.
  assert.deepEqual(parseNotice("e:CC2"), { kind: "experiments", bankId: "CC2" });
  assert.deepEqual(parseNotice("c:CC2:C100000001"), {
    kind: "customers",
    bankId: "CC2",
    unit: "C100000001",
  });
  assert.deepEqual(parseNotice("k:abc"), { kind: "key", keyHash: "abc" });
  assert.deepEqual(parseNotice("a"), { kind: "arms" });
  assert.deepEqual(parseNotice("*"), { kind: "all" });
});
