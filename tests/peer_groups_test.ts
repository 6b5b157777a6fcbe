/**
 * Custom peer groups: `POST/GET/DELETE /api/peer-groups` for consultants and admins, picked on
 * the peers page and `/api/peers?custom=`; the privacy rules hold unchanged (5 banks with data,
 * no min or max under 10, no single bank named outside scope, a group of 4 refused in both
 * languages, a group of 5 with one bank without data refused, no near-duplicate groups). Both
 * backends.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { listAudit } from "../db/audit.ts";
import { insertBanks } from "../db/banks.ts";
import type { Database } from "../db/schema.ts";
import {
  call,
  createTestApp,
  DEMO_USERS,
  expectJson,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const FIVE = ["SOE1", "JS1", "CC1", "RC2", "PB1"];

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  return {
    app,
    admin: await sessionCookie(db, TEST_ADMIN.email),
    exec: await sessionCookie(db, DEMO_USERS.executive),
    growth: await sessionCookie(db, DEMO_USERS.growth),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
  };
}

testBothBackends(
  "peer groups: create, list, benchmark, delete; privacy rules",
  async (t, { db }) => {
    const s = await setUp(db);
    let id = "";
    await t.step("a consultant creates a group of 5 from any banks of the platform", async () => {
      const body = await expectJson(
        await call(s.app, s.consultant, "POST", "/api/peer-groups", {
          name: "跨组五家",
          bankIds: FIVE,
        }),
        201,
      );
      id = body.group.id;
      assert.deepEqual(body.group.bankIds, [...FIVE].sort());
      const list = await expectJson(
        await call(s.app, s.consultant, "GET", "/api/peer-groups"),
        200,
      );
      assert.deepEqual(list.groups.map((g: { name: string }) => g.name), ["跨组五家"]);
      const { total } = await listAudit(db, { action: "peer_group.create", limit: 1, offset: 0 });
      assert.equal(total, 1);
    });
    await t.step(
      "its statistics: quartiles from 5 banks, no deciles, only in-scope banks named",
      async () => {
        const body = await expectJson(
          await call(s.app, s.consultant, "GET", `/api/peers?custom=${id}&bankId=CC2`),
          200,
        );
        const overall = body.figures[0];
        assert.equal(overall.refusal, null);
        assert.equal(overall.summary.n, 5);
        assert.equal(overall.summary.p10, null);
        assert.equal(overall.summary.p90, null);
        assert.ok(!("min" in overall.summary) && !("max" in overall.summary));
        assert.equal(body.ranking.n, 5);
        // the consultant's scope is CC2, CC1, RC2: only CC1 and RC2 are members
        assert.deepEqual(body.ranking.entries.map((e: { bankId: string }) => e.bankId).sort(), [
          "CC1",
          "RC2",
        ]);
        const text = JSON.stringify(body);
        for (const hidden of ["SOE1", "JS1", "PB1"]) {
          assert.ok(
            !text.includes(`"${hidden}"`),
            hidden,
          );
        }
      },
    );
    await t.step("a group of 4 is refused with a clear message in both languages", async () => {
      const four = { name: "四家", bankIds: FIVE.slice(0, 4) };
      const zh = await expectJson(
        await s.app.request("/api/peer-groups", {
          method: "POST",
          headers: { cookie: `${s.consultant}; lang=zh-CN`, "content-type": "application/json" },
          body: JSON.stringify(four),
        }),
        400,
      );
      assert.equal(zh.error.code, "GROUP_TOO_SMALL");
      assert.equal(zh.error.message, "同业组至少需要 5 家银行，当前只有 4 家。");
      const en = await expectJson(
        await s.app.request("/api/peer-groups", {
          method: "POST",
          headers: { cookie: `${s.consultant}; lang=en`, "content-type": "application/json" },
          body: JSON.stringify(four),
        }),
        400,
      );
      assert.equal(en.error.message, "A peer group needs at least 5 banks; this one has 4.");
    });
    await t.step(
      "a group one bank away from a standard group or an earlier one is refused",
      async () => {
        const city = { name: "城商行加一", bankIds: ["CC1", "CC2", "CC3", "CC4", "CC5", "JS1"] };
        const body = await expectJson(
          await call(s.app, s.consultant, "POST", "/api/peer-groups", city),
          400,
        );
        assert.equal(body.error.code, "GROUP_TOO_CLOSE");
        await expectJson(await call(s.app, s.consultant, "DELETE", `/api/peer-groups/${id}`), 200);
        const swap = { name: "换一家", bankIds: ["SOE1", "JS1", "CC1", "RC2", "PB2"] };
        const again = await expectJson(
          await call(s.app, s.consultant, "POST", "/api/peer-groups", swap),
          400,
        );
        assert.equal(again.error.code, "GROUP_TOO_CLOSE", "a deleted group still counts");
      },
    );
    await t.step("a deleted group is gone from the list and the peers API", async () => {
      const list = await expectJson(
        await call(s.app, s.consultant, "GET", "/api/peer-groups"),
        200,
      );
      assert.deepEqual(list.groups, []);
      await expectJson(await call(s.app, s.consultant, "GET", `/api/peers?custom=${id}`), 404);
      await expectJson(await call(s.app, s.consultant, "DELETE", `/api/peer-groups/${id}`), 404);
    });
  },
);

testBothBackends(
  "peer groups: a group of 5 where one bank has no data is refused",
  async (t, { db }) => {
    const s = await setUp(db);
    await insertBanks(db, [{
      id: "NEW1",
      nameZh: "新设银行",
      nameEn: "New Bank",
      peerGroup: "city_commercial",
      synthetic: true,
    }]);
    const members = ["SOE2", "JS2", "CC3", "RC4", "NEW1"];
    const body = await expectJson(
      await call(s.app, s.consultant, "POST", "/api/peer-groups", {
        name: "含无数据银行",
        bankIds: members,
      }),
      201,
    );
    await t.step("every figure is refused and no statistic or bank appears", async () => {
      const view = await expectJson(
        await call(s.app, s.consultant, "GET", `/api/peers?custom=${body.group.id}`),
        200,
      );
      for (const f of view.figures) {
        assert.equal(f.refusal, "TOO_FEW_BANKS", f.id);
        assert.equal(f.summary.median, null);
      }
      assert.deepEqual(view.ranking.entries, []);
    });
    await t.step("the peers page says why, in both languages", async () => {
      for (
        const [lang, words] of [["zh-CN", /有数据的银行只有 4 家，少于 5 家/], [
          "en",
          /Only 4 banks of this custom peer group have data/,
        ]] as const
      ) {
        const res = await s.app.request(`/peers?custom=${body.group.id}`, {
          headers: { cookie: `${s.consultant}; lang=${lang}` },
        });
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(html, words);
        assert.match(html, /data-testid="custom-refused"/);
      }
    });
  },
);

testBothBackends("peer groups: roles and bad input", async (t, { db }) => {
  const s = await setUp(db);
  await t.step("executives and growth may not use them", async () => {
    for (const who of [s.exec, s.growth]) {
      const res = await call(s.app, who, "POST", "/api/peer-groups", { name: "x", bankIds: FIVE });
      assert.equal((await expectJson(res, 403)).error.code, "FORBIDDEN");
      await expectJson(await call(s.app, who, "GET", "/api/peer-groups"), 403);
    }
    const page = await s.app.request("/peers/groups", { headers: { cookie: s.exec } });
    assert.equal(page.status, 403);
    await page.body?.cancel();
  });
  await t.step("another user's group looks like none", async () => {
    const mine = await expectJson(
      await call(s.app, s.admin, "POST", "/api/peer-groups", { name: "admin", bankIds: FIVE }),
      201,
    );
    await expectJson(
      await call(s.app, s.consultant, "GET", `/api/peers?custom=${mine.group.id}`),
      404,
    );
    await expectJson(
      await call(s.app, s.consultant, "DELETE", `/api/peer-groups/${mine.group.id}`),
      404,
    );
    await expectJson(await call(s.app, s.consultant, "GET", `/api/peers?custom=not-a-uuid`), 404);
    const dup = await call(s.app, s.admin, "POST", "/api/peer-groups", {
      name: "admin",
      bankIds: FIVE,
    });
    assert.equal((await expectJson(dup, 409)).error.code, "GROUP_EXISTS");
  });
  const bad: [string, unknown, string][] = [
    ["no name", { bankIds: FIVE }, "VALIDATION_ERROR"],
    ["an empty name", { name: "  ", bankIds: FIVE }, "VALIDATION_ERROR"],
    ["bank ids as a string", { name: "g", bankIds: "SOE1,JS1" }, "VALIDATION_ERROR"],
    [
      "a number bank id",
      { name: "g", bankIds: [...FIVE.slice(0, 4), 6222021234567890] },
      "VALIDATION_ERROR",
    ],
    [
      "an unknown bank",
      { name: "g", bankIds: [...FIVE.slice(0, 4), "C100000001"] },
      "UNKNOWN_BANK",
    ],
    ["an unknown field", { name: "g", bankIds: FIVE, owner: "13800138000" }, "VALIDATION_ERROR"],
    ["a NUL in the name", { name: "组\u0000", bankIds: FIVE }, "INVALID_TEXT"],
    [
      "a lone surrogate in a bank id",
      { name: "g", bankIds: [...FIVE.slice(0, 4), "\ud800"] },
      "INVALID_TEXT",
    ],
    [
      "four banks given five times",
      { name: "g", bankIds: [...FIVE.slice(0, 4), "SOE1"] },
      "GROUP_TOO_SMALL",
    ],
  ];
  for (const [name, body, code] of bad) {
    await t.step(name, async () => {
      const json = await expectJson(
        await call(s.app, s.consultant, "POST", "/api/peer-groups", body),
        400,
      );
      assert.equal(json.error.code, code, JSON.stringify(json));
    });
  }
  await t.step("nothing was stored for the consultant", async () => {
    const list = await expectJson(await call(s.app, s.consultant, "GET", "/api/peer-groups"), 200);
    assert.deepEqual(list.groups, []);
  });
});
