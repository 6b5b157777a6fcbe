import assert from "node:assert/strict";
import raw from "./lens-model.json" with { type: "json" };
import {
  capabilityById,
  indicatorById,
  INDICATORS,
  levelInfo,
  levelOf,
  type MaturityIndicator,
  MODEL,
} from "./model.ts";
import { parseModel, validateBundledModel } from "./model_schema.ts";

function broken(edit: (m: typeof raw) => void): () => unknown {
  const copy = structuredClone(raw);
  edit(copy);
  return () => parseModel(copy);
}

Deno.test("the adopted model has 3 dimensions, 14 capabilities, 41 indicators", () => {
  assert.equal(MODEL.version, "1.0.0");
  assert.equal(MODEL.dimensions.length, 3);
  assert.equal(MODEL.dimensions.flatMap((d) => d.capabilities).length, 14);
  assert.equal(INDICATORS.length, 41);
});

Deno.test("lookups find indicators and capabilities by id, never via the prototype", () => {
  assert.equal(indicatorById("churn_rate")?.capabilityId, "user_lifecycle");
  assert.equal(indicatorById("churn_rate")?.dimensionId, "digital");
  assert.equal(capabilityById("closed_loop")?.dimensionId, "intelligent");
  assert.equal(indicatorById("constructor"), undefined);
  assert.equal(indicatorById("__proto__"), undefined);
});

Deno.test("levelOf() uses half-open bands [0,20) … [80,100]", () => {
  assert.deepEqual([0, 19.999, 20, 59.99, 60, 80, 100].map(levelOf), [1, 1, 2, 3, 4, 5, 5]);
  assert.equal(levelInfo(3)?.name_zh, "规范级");
  assert.equal(levelInfo(3)?.name_en, "Defined");
});

Deno.test("the bundled model passes the zod schema and the semantic checks", () => {
  assert.equal(validateBundledModel().dimensions.length, MODEL.dimensions.length);
});

Deno.test("parseModel() rejects a structurally broken file", () => {
  assert.throws(
    broken((m) => Object.assign(m.dimensions[0].capabilities[0].indicators[0], { type: "gauge" })),
  );
  assert.throws(broken((m) => Object.assign(m, { levels: [] })));
});

Deno.test("parseModel() rejects weights that do not sum to 1", () => {
  assert.throws(broken((m) => m.dimensions[0].weight = 0.5), /Dimension weights/);
  assert.throws(broken((m) => m.dimensions[0].capabilities[0].weight = 0.3), /"digital" weights/);
  assert.throws(
    broken((m) => m.dimensions[0].capabilities[0].indicators[0].weight = 0.1),
    /"digital_channels" weights/,
  );
});

Deno.test("parseModel() rejects duplicate ids, inverted bands and a bad maturity map", () => {
  assert.throws(
    broken((m) => m.dimensions[0].capabilities[0].indicators[1].id = "app_mau_penetration"),
    /Duplicate id "app_mau_penetration"/,
  );
  assert.throws(
    broken((m) => {
      const ind = m.dimensions[0].capabilities[0].indicators[0];
      if (ind.normalisation) ind.normalisation.floor = 50;
    }),
    /floor\/target contradict higher_better/,
  );
  assert.throws(
    broken((m) => {
      const ind = m.dimensions[0].capabilities[1].indicators[0] as unknown as MaturityIndicator;
      ind.score_map["3"] = 60;
    }),
    /score_map\["3"\] must be 50/,
  );
});

Deno.test("parseModel() rejects a critical indicator that allows N/A", () => {
  assert.throws(
    broken((m) => {
      const consent = m.dimensions[2].capabilities[3].indicators[0];
      Object.assign(consent, { na_allowed_with_justification: true });
    }),
    /Critical indicator "marketing_consent_coverage" cannot allow N\/A/,
  );
});
