import assert from "node:assert/strict";
import { mayOpenPage } from "./roles.ts";

Deno.test("mayOpenPage: the longest listed prefix decides, unlisted pages are open", () => {
  const executive = { role: "executive" } as const;
  assert.equal(mayOpenPage(executive, "/alerts"), true);
  assert.equal(mayOpenPage(executive, "/alerts/0f8c3c1e-9b1a-4c55-9a41-6f0d2b7c8e11/ack"), true);
  assert.equal(mayOpenPage(executive, "/alerts/channels"), false);
  assert.equal(mayOpenPage(executive, "/alerts/channels/1/test"), false);
  assert.equal(mayOpenPage(executive, "/governance/layers"), true);
  assert.equal(mayOpenPage(executive, "/governance/policy"), false);
  assert.equal(mayOpenPage(executive, "/banks/CC2"), true);
  // A prefix is a whole segment: `/alertsx` is not under `/alerts`.
  assert.equal(mayOpenPage({ role: "consultant" }, "/alertsx"), true);
  assert.equal(mayOpenPage({ role: "consultant" }, "/alerts"), false);
  assert.equal(mayOpenPage({ role: "consultant" }, "/experiments/welcome-sms"), false);
});

Deno.test("mayOpenPage: SDK keys for admins and growth leads, users and audit for admins", () => {
  assert.equal(mayOpenPage({ role: "admin" }, "/admin/keys"), true);
  assert.equal(mayOpenPage({ role: "growth", growthLead: true }, "/admin/keys"), true);
  assert.equal(mayOpenPage({ role: "growth", growthLead: false }, "/admin/keys"), false);
  assert.equal(mayOpenPage({ role: "executive" }, "/admin/keys"), false);
  assert.equal(mayOpenPage({ role: "growth", growthLead: true }, "/admin/users"), false);
  assert.equal(mayOpenPage({ role: "admin" }, "/admin/audit"), true);
});
