/**
 * The metric library's definitions (issue 16): what a metric measures, in one shape shared by
 * the API, the pages, the read-out SQL (`db/metric_values.ts`) and the statistics.
 *
 * Every metric is measured per exposed customer of an experiment, from the customer's first
 * exposure until `windowHours` later (`null`: until the experiment stops, or now while it runs):
 *
 * - `proportion`: 1 if the customer has at least one `event` in the window, else 0;
 * - `mean`: the `aggregate` of `event` in the window (`sum` of values, or `count`), 0 when none,
 *   then capped per customer (`cap`: an absolute ceiling, or the given percentile of all exposed
 *   customers' values) before the statistics;
 * - `ratio`: Σ numerator / Σ denominator over an arm's customers, each side the aggregate of its
 *   event in the window (delta method with the per-customer covariance).
 *
 * Built-in metrics exist in every bank, are not stored and cannot be edited (version 1):
 * `opt_out` (exposed customers who opted out, globally or on the experiment's channel, within
 * the window), and `conversion` / `conversion_value`, the experiment's own `conversion` events as
 * before the library (existing integrations and stored experiments keep their numbers).
 */
import { z } from "zod";
import { storableText } from "../text_schema.ts";

/** Metric keys and event names: 1–64 of `[a-z0-9_]`. */
export const METRIC_KEY_PATTERN = /^[a-z0-9_]{1,64}$/;
export const EVENT_NAME_PATTERN = /^[a-z0-9_]{1,64}$/;

export const METRIC_KINDS = ["proportion", "mean", "ratio"] as const;
export type MetricKind = typeof METRIC_KINDS[number];
export const DIRECTIONS = ["higher_is_better", "lower_is_better"] as const;
export type Direction = typeof DIRECTIONS[number];
export const AGGREGATES = ["sum", "count"] as const;
export type Aggregate = typeof AGGREGATES[number];
/**
 * A ratio's side may also count `customers`: 1 for a customer with at least one of the event in
 * the window, else 0 — so Σ over an arm is the number of customers who did it (e.g. deposit
 * amount per depositing customer: numerator `deposit`/`sum`, denominator `deposit`/`customers`).
 */
export const SIDE_AGGREGATES = ["sum", "count", "customers"] as const;
export type SideAggregate = typeof SIDE_AGGREGATES[number];
export const METRIC_ROLES = ["primary", "secondary", "guardrail"] as const;
export type MetricRole = typeof METRIC_ROLES[number];

/** Longest window: a year. */
export const MAX_WINDOW_HOURS = 24 * 366;
/** Most secondary metrics and guardrails per experiment, each. */
export const MAX_METRICS_PER_ROLE = 10;

export interface LocalizedText {
  "zh-CN": string;
  en: string;
}

export interface EventAggregate {
  event: string;
  aggregate: SideAggregate;
}

export interface Cap {
  type: "absolute" | "percentile";
  /** absolute: the ceiling of a customer's value; percentile: in (0, 1), e.g. 0.99. */
  value: number;
}

/** Where a metric's data comes from: the bank's `track` events, or a built-in source. */
export type MetricSource = "track" | "opt_outs" | "experiment_conversions";

/** A definition as stored in `metrics.definition` (the key and version live in their columns). */
export interface StoredMetricDefinition {
  name: LocalizedText;
  description?: LocalizedText;
  kind: MetricKind;
  direction: Direction;
  windowHours: number | null;
  /** proportion and mean. */
  event?: string;
  /** mean. */
  aggregate?: Aggregate;
  /** mean: winsorizing per customer. */
  cap?: Cap | null;
  /** ratio. */
  numerator?: EventAggregate;
  denominator?: EventAggregate;
}

/** A metric in force: stored or built-in, with its key and version. */
export interface MetricDefinition extends StoredMetricDefinition {
  key: string;
  version: number;
  builtin: boolean;
  source: MetricSource;
}

/** The metrics an experiment reads (`experiments.metrics`). */
export interface ExperimentMetrics {
  primary: string;
  secondary: string[];
  guardrails: string[];
}

export const BUILTIN_METRICS: readonly MetricDefinition[] = [
  {
    key: "opt_out",
    version: 1,
    builtin: true,
    source: "opt_outs",
    name: { "zh-CN": "退订率", en: "Opt-out rate" },
    description: {
      "zh-CN": "曝光后退订（全部渠道或本实验渠道）的客户占曝光客户的比例",
      en:
        "Share of exposed customers who opted out (of all channels or this experiment's) after exposure",
    },
    kind: "proportion",
    direction: "lower_is_better",
    windowHours: null,
  },
  {
    key: "conversion",
    version: 1,
    builtin: true,
    source: "experiment_conversions",
    name: { "zh-CN": "转化率", en: "Conversion rate" },
    description: {
      "zh-CN": "发送了本实验转化事件（conversion）的曝光客户比例",
      en: "Share of exposed customers with a conversion event of this experiment",
    },
    kind: "proportion",
    direction: "higher_is_better",
    windowHours: null,
  },
  {
    key: "conversion_value",
    version: 1,
    builtin: true,
    source: "experiment_conversions",
    name: { "zh-CN": "人均转化金额", en: "Conversion value per customer" },
    description: {
      "zh-CN": "每位曝光客户本实验转化事件的金额合计",
      en: "Sum of the values of this experiment's conversion events per exposed customer",
    },
    kind: "mean",
    direction: "higher_is_better",
    windowHours: null,
    aggregate: "sum",
  },
];

export const BUILTIN_KEYS: ReadonlySet<string> = new Set(BUILTIN_METRICS.map((m) => m.key));

export function builtinMetric(key: string): MetricDefinition | undefined {
  return BUILTIN_METRICS.find((m) => m.key === key);
}

/** What a new experiment reads when it says nothing: conversions, with opt-outs as a guardrail. */
export const DEFAULT_EXPERIMENT_METRICS: ExperimentMetrics = {
  primary: "conversion",
  secondary: [],
  guardrails: ["opt_out"],
};

// ---- request schemas (zod) ------------------------------------------------------------------

export const metricKeySchema = z.string().regex(METRIC_KEY_PATTERN);
export const eventNameSchema = z.string().regex(EVENT_NAME_PATTERN);

const localizedSchema = (max: number) =>
  z.strictObject({
    "zh-CN": storableText().trim().min(1).max(max),
    en: storableText().trim().min(1).max(max),
  });

const eventAggregateSchema = z.strictObject({
  event: eventNameSchema,
  aggregate: z.enum(SIDE_AGGREGATES),
});

const capSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("absolute"), value: z.number().finite() }),
  z.strictObject({ type: z.literal("percentile"), value: z.number().gt(0).lt(1) }),
]);

const definitionFields = {
  name: localizedSchema(100),
  description: localizedSchema(1000).optional(),
  kind: z.enum(METRIC_KINDS),
  direction: z.enum(DIRECTIONS),
  windowHours: z.int().min(1).max(MAX_WINDOW_HOURS).nullable(),
  event: eventNameSchema.optional(),
  aggregate: z.enum(AGGREGATES).optional(),
  cap: capSchema.nullable().optional(),
  numerator: eventAggregateSchema.optional(),
  denominator: eventAggregateSchema.optional(),
};

/** The fields each kind needs and allows; refused with the field's path. */
export function checkKindFields(
  d: Partial<StoredMetricDefinition>,
  ctx: z.RefinementCtx,
): void {
  const need = (field: keyof StoredMetricDefinition) => {
    if (d[field] === undefined || d[field] === null) {
      ctx.addIssue({ code: "custom", path: [field], message: `"${d.kind}" needs "${field}"` });
    }
  };
  const refuse = (field: keyof StoredMetricDefinition) => {
    if (d[field] !== undefined && d[field] !== null) {
      ctx.addIssue({ code: "custom", path: [field], message: `"${d.kind}" takes no "${field}"` });
    }
  };
  if (d.kind === "proportion") {
    need("event");
    for (const f of ["aggregate", "cap", "numerator", "denominator"] as const) refuse(f);
  } else if (d.kind === "mean") {
    need("event");
    need("aggregate");
    for (const f of ["numerator", "denominator"] as const) refuse(f);
  } else if (d.kind === "ratio") {
    need("numerator");
    need("denominator");
    for (const f of ["event", "aggregate", "cap"] as const) refuse(f);
  }
}

/** `POST /api/metrics`. */
export const newMetricSchema = z.strictObject({
  key: metricKeySchema,
  bankId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  ...definitionFields,
}).superRefine((d, ctx) => {
  if (BUILTIN_KEYS.has(d.key)) {
    ctx.addIssue({ code: "custom", path: ["key"], message: `"${d.key}" is a built-in metric` });
  }
  checkKindFields(d, ctx);
});

/**
 * `PATCH /api/metrics/:key`: the fields to change; the merged definition must satisfy
 * `checkKindFields` again (the route merges, then checks).
 */
export const metricPatchSchema = z.strictObject(definitionFields).partial();

/**
 * A whole stored definition, checked as a new one is (without its key): what `PATCH` checks
 * after merging the changed fields into the version in force.
 */
export const metricDefinitionSchema = z.strictObject(definitionFields).superRefine((d, ctx) =>
  checkKindFields(d, ctx)
);

/**
 * Merges a `PATCH` into the definition in force. A new `kind` starts from the shared fields
 * only (name, description, direction, window): the old kind's event fields do not carry over.
 * `cap: null` removes the cap. The result still has to pass `metricDefinitionSchema`.
 */
export function mergeDefinition(
  current: StoredMetricDefinition,
  patch: MetricPatch,
): Record<string, unknown> {
  const base: Record<string, unknown> = { ...storedDefinition(current) };
  if (patch.kind !== undefined && patch.kind !== current.kind) {
    for (const f of ["event", "aggregate", "cap", "numerator", "denominator"]) delete base[f];
  }
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) base[field] = value;
  }
  if (base.cap === null) delete base.cap;
  return base;
}

/** `"metrics"` of an experiment's create and edit requests. */
export const experimentMetricsSchema = z.strictObject({
  primary: metricKeySchema,
  secondary: z.array(metricKeySchema).max(MAX_METRICS_PER_ROLE).optional(),
  guardrails: z.array(metricKeySchema).max(MAX_METRICS_PER_ROLE).optional(),
});

export type NewMetric = z.output<typeof newMetricSchema>;
export type MetricPatch = z.output<typeof metricPatchSchema>;

/** The stored part of a validated new metric. */
export function storedDefinition(
  input: NewMetric | StoredMetricDefinition,
): StoredMetricDefinition {
  const d: StoredMetricDefinition = {
    name: input.name,
    kind: input.kind,
    direction: input.direction,
    windowHours: input.windowHours,
  };
  if (input.description) d.description = input.description;
  if (input.event !== undefined) d.event = input.event;
  if (input.aggregate !== undefined) d.aggregate = input.aggregate;
  if (input.cap) d.cap = input.cap;
  if (input.numerator) d.numerator = input.numerator;
  if (input.denominator) d.denominator = input.denominator;
  return d;
}

/** The event names a definition reads (for "which metrics use this event" and the preview). */
export function eventsOf(d: StoredMetricDefinition): string[] {
  if (d.kind === "ratio") return [...new Set([d.numerator!.event, d.denominator!.event])];
  return d.event ? [d.event] : [];
}

/** JSON with object keys sorted (jsonb does not keep the order they were written in). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** Whether two stored definitions say the same (an edit that changes nothing makes no version). */
export function sameDefinition(a: StoredMetricDefinition, b: StoredMetricDefinition): boolean {
  return JSON.stringify(canonical(storedDefinition(a))) ===
    JSON.stringify(canonical(storedDefinition(b)));
}
