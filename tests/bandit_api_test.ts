/**
 * The bandit endpoints and pages on both backends, with the seeded demo bandit
 * (`installment-offers`): who may read and reweight, coded 4xx for every wrong call, the stored
 * allocations served with their inputs and seed, and the pages in both languages.
 */
import assert from "node:assert/strict";
import { reweight } from "../lib/experiments/bandit.ts";
import { createSessionApp, jsonRequest } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("bandit endpoints: roles, tenancy and bad input", async (t, { db }) => {
  const { app, growth, exec, consultant, other } = await createSessionApp(db);
  const post = (cookie: string, path: string, body: unknown = {}) =>
    app.request(path, jsonRequest("POST", body, { cookie }));
  const get = (cookie: string, path: string) => app.request(path, { headers: { cookie } });
  const code = async (res: Response, status: number) => {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    return JSON.parse(text).error.code;
  };

  await t.step("the seeded allocations are served and replay from their inputs", async () => {
    const res = await get(exec, "/api/experiments/installment-offers/allocations");
    assert.equal(res.status, 200);
    const { allocations } = await res.json();
    assert.ok(allocations.length >= 3);
    for (const a of allocations) {
      assert.match(a.seed, /^\d+$/);
      assert.deepEqual(reweight(a.inputs.arms, a.inputs).weights, a.weights);
    }
  });

  await t.step("wrong calls answer coded 4xx", async () => {
    const cases: Array<[Response | Promise<Response>, number, string]> = [
      [post(growth, "/api/experiments/welcome-sms/reweight"), 409, "NOT_BANDIT"],
      [post(exec, "/api/experiments/installment-offers/reweight"), 403, "FORBIDDEN"],
      [post(consultant, "/api/experiments/installment-offers/reweight"), 403, "FORBIDDEN"],
      [post(other, "/api/experiments/installment-offers/reweight"), 404, "NOT_FOUND"],
      [get(other, "/api/experiments/installment-offers/allocations"), 404, "NOT_FOUND"],
      [get(consultant, "/api/experiments/installment-offers/allocations"), 403, "FORBIDDEN"],
      [app.request("/api/experiments/installment-offers/allocations"), 401, "UNAUTHORIZED"],
      [post(growth, "/api/experiments/NO_SUCH/reweight"), 404, "NOT_FOUND"],
      [post(growth, "/api/experiments/wake-push-3/reweight"), 409, "NOT_BANDIT"],
    ];
    for (const [res, status, expected] of cases) {
      assert.equal(await code(await res, status), expected);
    }
  });

  await t.step(
    "a reweighting on demand is stored and audited; a stopped bandit refuses",
    async () => {
      const before = (await (await get(growth, "/api/experiments/installment-offers/allocations"))
        .json()).allocations.length;
      const res = await post(growth, "/api/experiments/installment-offers/reweight");
      assert.equal(res.status, 201);
      const { allocation } = await res.json();
      assert.equal(allocation.reason, "on_demand");
      const after = (await (await get(growth, "/api/experiments/installment-offers/allocations"))
        .json()).allocations;
      assert.equal(after.length, before + 1);
      const audited = await db.selectFrom("audit_log").select("target")
        .where("action", "=", "experiment.reweight").execute();
      assert.deepEqual(audited.map((a) => a.target), ["installment-offers"]);
      await (await post(growth, "/api/experiments/installment-offers/stop")).body?.cancel();
      const stopped = await post(growth, "/api/experiments/installment-offers/reweight");
      assert.equal(await code(stopped, 409), "NOT_RUNNING");
    },
  );

  await t.step("pages: the bandit badge and panel, buttons only for the growth team", async () => {
    const list = await (await get(exec, "/experiments")).text();
    assert.match(list, /data-testid="bandit-badge"/);
    const execPage = await (await get(exec, "/experiments/installment-offers")).text();
    assert.match(execPage, /data-testid="bandit"/);
    assert.match(execPage, /多臂老虎机分配/);
    assert.doesNotMatch(execPage, /action-reweight|action-promote/);
    const english = await (await app.request("/experiments/installment-offers", {
      headers: { cookie: `${growth}; lang=en` },
    })).text();
    assert.match(english, /Bandit allocation/);
    assert.match(english, /data-testid="bandit-periods"/);
    const forbidden = await app.request("/experiments/installment-offers/reweight", {
      method: "POST",
      headers: { cookie: exec, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    assert.equal(forbidden.status, 403);
    await forbidden.body?.cancel();
  });
});
