import assert from "node:assert/strict";
import { Hono } from "hono";
import { AppError } from "../lib/errors.ts";
import { assertJsonSafe, assertMatches, loadFixture } from "../lib/stats/_testing.ts";
import bandits from "../routes/api/bandits.ts";
import stats from "../routes/api/stats.ts";

/** Test stand-in for the app's error plugin: AppError → `{ error: { code, message } }`. */
function testApp(): Hono {
  const app = new Hono();
  app.route("/api/stats", stats);
  app.route("/api/bandits", bandits);
  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    return c.json({ error: { code: "INTERNAL", message: String(err) } }, 500);
  });
  return app;
}

const app = testApp();

function post(path: string, body: unknown): Promise<Response> {
  return Promise.resolve(app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", "accept-language": "en" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }));
}

async function okJson(res: Response) {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
}

async function assertError(res: Response, status: number, code: string, message?: RegExp) {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, code);
  if (message) assert.match(body.error.message, message);
}

const arms = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `v${i}`, users: 1000, conversions: 20 + i }));

Deno.test("POST /api/stats/proportions answers like R for every analysis fixture", async (t) => {
  const fixture = loadFixture<Record<string, unknown>, Record<string, unknown>>(
    "proportions_analysis.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, async () => {
      const body = await okJson(await post("/api/stats/proportions", input));
      assertMatches(body, expected);
      for (const row of body.comparisons) {
        assert.ok(row.chanceToBeatControl >= 0 && row.chanceToBeatControl <= 1);
        assert.ok(row.expectedLoss >= 0);
      }
    });
  }
});

Deno.test("POST /api/stats/proportions gives null + reason on zero baseline, and sequential CIs", async () => {
  const variants = [
    { name: "control", users: 500, conversions: 0 },
    { name: "sms", users: 500, conversions: 4 },
  ];
  const zero = await okJson(await post("/api/stats/proportions", { variants }));
  assert.equal(zero.comparisons[0].relativeLift, null);
  assert.equal(zero.comparisons[0].relativeCi, null);
  assert.ok(zero.comparisons[0].reasons.includes("BASELINE_ZERO"));
  const seq = await okJson(
    await post("/api/stats/proportions", {
      variants: arms(2),
      sequential: true,
      sequentialTuning: 2000,
    }),
  );
  assert.equal(seq.sequential, true);
  assert.equal(seq.comparisons[0].ci.length, 2);
});

Deno.test("POST /api/stats/means returns Welch comparisons with Holm-adjusted p-values", async () => {
  const body = await okJson(
    await post("/api/stats/means", {
      variants: [
        { name: "control", n: 400, mean: 1000, sd: 300 },
        { name: "gift", n: 420, mean: 1060, sd: 320 },
        { name: "rate", n: 410, mean: 1010, sd: 310 },
      ],
    }),
  );
  assert.equal(body.comparisons.length, 2);
  const [gift] = body.comparisons;
  assert.equal(gift.variant, "gift");
  for (
    const key of ["absoluteLift", "relativeLift", "tStatistic", "df", "pValue", "adjustedPValue"]
  ) {
    assert.equal(typeof gift[key], "number", key);
  }
  assert.equal(gift.ci.length, 2);
});

Deno.test("POST /api/stats/proportions: relativeCi stays above -100 % and agrees with the words", async () => {
  const body = await okJson(
    await post("/api/stats/proportions", {
      variants: [
        { name: "control", users: 60, conversions: 6 },
        { name: "sms_b", users: 95, conversions: 2 },
        { name: "sms_c", users: 5000, conversions: 600 },
        { name: "sms_d", users: 80, conversions: 9 },
      ],
    }),
  );
  for (const row of body.comparisons) {
    const [lo, hi] = row.relativeCi;
    assert.ok(lo >= -1, `${row.variant}: ${lo}`);
    assert.equal(lo > 0 || hi < 0, row.significant, JSON.stringify(row));
    assert.equal(row.ci[0] > 0 || row.ci[1] < 0, row.significant, JSON.stringify(row));
    assert.ok(row.ciLevel >= 0.95 && row.ciLevel < 1);
  }
});

Deno.test("POST /api/stats/means: a negative baseline keeps the sign of the change (net outflow)", async () => {
  const body = await okJson(
    await post("/api/stats/means", {
      variants: [
        { name: "control", n: 500, mean: -10, sd: 4 },
        { name: "less_outflow", n: 500, mean: -5, sd: 4 },
        { name: "more_outflow", n: 500, mean: -12, sd: 4 },
      ],
    }),
  );
  const [less, more] = body.comparisons;
  // -10 -> -5 rises by half of |-10|: +50 %, not -50 %; -10 -> -12 falls by 20 %.
  assert.equal(less.absoluteLift, 5);
  assert.ok(Math.abs(less.relativeLift - 0.5) < 1e-12, String(less.relativeLift));
  assert.ok(Math.abs(more.relativeLift + 0.2) < 1e-12, String(more.relativeLift));
  assert.equal(Math.sign(less.relativeLift), Math.sign(less.absoluteLift));
});

Deno.test("POST /api/stats/sample-size matches R power.prop.test", async () => {
  const body = await okJson(
    await post("/api/stats/sample-size", {
      baselineRate: 0.02,
      minimumDetectableEffect: 0.1,
      effectType: "relative",
    }),
  );
  const fixture = loadFixture<unknown, { perVariant: number; total: number }>("power.json");
  assert.equal(body.perVariant, fixture.cases[0].expected.perVariant);
  assert.equal(body.total, fixture.cases[0].expected.total);
  const four = await okJson(
    await post("/api/stats/sample-size", {
      baselineRate: 0.05,
      minimumDetectableEffect: 0.01,
      effectType: "absolute",
      variants: 4,
    }),
  );
  assert.equal(four.perVariant, fixture.cases[3].expected.perVariant);
});

Deno.test("POST /api/bandits/allocate returns probabilityBest and weights per arm", async () => {
  const body = await okJson(
    await post("/api/bandits/allocate", {
      arms: [
        { name: "a", users: 1000, conversions: 20 },
        { name: "b", users: 1000, conversions: 30 },
      ],
      policy: "thompson",
      minShare: 0.05,
      seed: 7,
    }),
  );
  const fixture = loadFixture<unknown, { probabilityBest: number[] }>("probability_best.json");
  const expected = fixture.cases[0].expected.probabilityBest;
  body.probabilityBest.forEach((p: number, i: number) =>
    assert.ok(Math.abs(p - expected[i]) < 1e-9)
  );
  assert.ok(Math.abs(body.weights[1] - (0.05 + 0.9 * expected[1])) < 1e-9);
  assert.equal(body.seed, 7);
});

Deno.test("POST /api/bandits/simulate is seeded, bounded and includes t = 1000", async () => {
  const spec = { policy: "thompson", armRates: [0.02, 0.03], horizon: 2000, runs: 10, seed: 3 };
  const a = await okJson(await post("/api/bandits/simulate", spec));
  const b = await okJson(await post("/api/bandits/simulate", spec));
  assert.deepEqual(a, b);
  assert.ok(a.regretCurve.some((p: { t: number }) => p.t === 1000));
  assert.equal(a.pullShares.length, 2);
  assert.equal(typeof a.cumulativeRegret, "number");
});

Deno.test("a long simulation lets other requests through while it runs", async () => {
  const order: string[] = [];
  const long = post("/api/bandits/simulate", {
    policy: "thompson",
    armRates: Array.from({ length: 10 }, (_, i) => 0.02 + i / 1000),
    horizon: 20_000,
    runs: 20,
  }).then(() => order.push("simulation"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await post("/api/stats/sample-size", { baselineRate: 0.1, minimumDetectableEffect: 0.1 })
    .then(() => order.push("sample-size"));
  await long;
  assert.deepEqual(order, ["sample-size", "simulation"]);
});

Deno.test("bad input gets a 4xx JSON error, never a 5xx", async (t) => {
  const cases: [string, string, unknown, number, string, RegExp?][] = [
    ["malformed JSON", "/api/stats/proportions", "{not json", 400, "MALFORMED_JSON"],
    [
      "wrong types",
      "/api/stats/proportions",
      { variants: [{ name: "a", users: "10", conversions: 1 }] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "one variant",
      "/api/stats/proportions",
      { variants: arms(1) },
      400,
      "VALIDATION_ERROR",
      /at least 2/i,
    ],
    [
      "too many arms",
      "/api/stats/proportions",
      { variants: arms(21) },
      400,
      "VALIDATION_ERROR",
      /at most 20/i,
    ],
    [
      "duplicate names",
      "/api/stats/proportions",
      { variants: [arms(2)[0], arms(2)[0]] },
      400,
      "VALIDATION_ERROR",
      /unique/,
    ],
    [
      "conversions > users",
      "/api/stats/proportions",
      { variants: [{ name: "a", users: 10, conversions: 11 }, arms(2)[1]] },
      400,
      "VALIDATION_ERROR",
      /exceed/,
    ],
    [
      "fractional users",
      "/api/stats/proportions",
      { variants: [{ name: "a", users: 10.5, conversions: 1 }, arms(2)[1]] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "zero users",
      "/api/stats/proportions",
      { variants: [{ name: "a", users: 0, conversions: 0 }, arms(2)[1]] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "absurd users",
      "/api/stats/proportions",
      { variants: [{ name: "a", users: 1e300, conversions: 0 }, arms(2)[1]] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "weights of the wrong length",
      "/api/stats/proportions",
      { variants: arms(2), weights: [1] },
      400,
      "VALIDATION_ERROR",
      /one weight/,
    ],
    [
      "alpha out of range",
      "/api/stats/proportions",
      { variants: arms(2), alpha: 1.5 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "unknown field",
      "/api/stats/proportions",
      { variants: arms(2), extra: 1 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "means: all sd zero",
      "/api/stats/means",
      { variants: [{ name: "a", n: 5, mean: 1, sd: 0 }, { name: "b", n: 5, mean: 2, sd: 0 }] },
      400,
      "VALIDATION_ERROR",
      /standard deviation above 0/,
    ],
    [
      "means: n below 2",
      "/api/stats/means",
      { variants: [{ name: "a", n: 1, mean: 1, sd: 1 }, { name: "b", n: 5, mean: 2, sd: 1 }] },
      400,
      "VALIDATION_ERROR",
    ],
    ["means: malformed JSON", "/api/stats/means", "[", 400, "MALFORMED_JSON"],
    [
      "sample size: rate above 1",
      "/api/stats/sample-size",
      { baselineRate: 0.9, minimumDetectableEffect: 0.5 },
      400,
      "INVALID_EFFECT",
    ],
    [
      "sample size: baseline 0",
      "/api/stats/sample-size",
      { baselineRate: 0, minimumDetectableEffect: 0.1 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "sample size: wrong type",
      "/api/stats/sample-size",
      { baselineRate: "2%", minimumDetectableEffect: 0.1 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "allocate: wrong policy",
      "/api/bandits/allocate",
      { arms: arms(2), policy: "ucb1" },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "allocate: minShare too big",
      "/api/bandits/allocate",
      { arms: arms(3), policy: "thompson", minShare: 0.4 },
      400,
      "VALIDATION_ERROR",
      /minShare/,
    ],
    [
      "allocate: duplicate names",
      "/api/bandits/allocate",
      { arms: [arms(2)[0], arms(2)[0]], policy: "thompson" },
      400,
      "VALIDATION_ERROR",
      /unique/,
    ],
    ["allocate: malformed JSON", "/api/bandits/allocate", "}", 400, "MALFORMED_JSON"],
    [
      "simulate: horizon × runs too big",
      "/api/bandits/simulate",
      { policy: "ucb1", armRates: [0.1, 0.2], horizon: 100_000, runs: 21 },
      400,
      "VALIDATION_ERROR",
      /2,000,000/,
    ],
    [
      "simulate: rate above 1",
      "/api/bandits/simulate",
      { policy: "ucb1", armRates: [0.1, 1.2], horizon: 10, runs: 1 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "simulate: too many arms",
      "/api/bandits/simulate",
      { policy: "ucb1", armRates: new Array(21).fill(0.1), horizon: 10, runs: 1 },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "simulate: unknown policy",
      "/api/bandits/simulate",
      { policy: "greedy", armRates: [0.1, 0.2], horizon: 10, runs: 1 },
      400,
      "VALIDATION_ERROR",
    ],
  ];
  for (const [name, path, body, status, code, message] of cases) {
    await t.step(name, async () => assertError(await post(path, body), status, code, message));
  }
  await t.step("wrong content type", async () => {
    const res = await app.request("/api/stats/means", { method: "POST", body: "{}" });
    await assertError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

Deno.test("extreme but valid input gives 200 and JSON-safe numbers", async (t) => {
  const many = (k: number, f: (i: number) => [number, number]) =>
    Array.from({ length: k }, (_, i) => ({ name: `v${i}`, users: f(i)[0], conversions: f(i)[1] }));
  const cases: [string, string, unknown][] = [
    ["20 arms at 10^12 users, sequential", "/api/stats/proportions", {
      variants: many(20, (i) => [1e12, 2e10 + i * 1e6]),
      sequential: true,
    }],
    ["arms at 0 % and 100 %", "/api/stats/proportions", {
      variants: many(4, (i) => [1e12, i % 2 ? 0 : 1e12]),
    }],
    ["single users", "/api/stats/proportions", { variants: many(3, () => [1, 1]) }],
    ["huge means, one sd zero", "/api/stats/means", {
      variants: [{ name: "a", n: 1e12, mean: 1e15, sd: 1e15 }, {
        name: "b",
        n: 2,
        mean: -1e15,
        sd: 0,
      }],
    }],
    ["allocation at 0 % and 100 %", "/api/bandits/allocate", {
      arms: many(20, (i) => [1e12, i % 2 ? 1e12 : 0]),
      policy: "thompson",
      minShare: 0.05,
    }],
    ["simulation with one pull per run", "/api/bandits/simulate", {
      policy: "epsilon-greedy",
      armRates: [0, 0],
      horizon: 1,
      runs: 1000,
    }],
  ];
  for (const [name, path, body] of cases) {
    await t.step(name, async () => {
      const json = await okJson(await post(path, body));
      assertJsonSafe(json);
    });
  }
});
