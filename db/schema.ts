/**
 * The Kysely `Database` interface: one table type per table of `migrations/`.
 * int8 and numeric columns come back as strings (see `client.ts`); jsonb as parsed JSON.
 */
import type { ColumnType, Generated, Kysely, Transaction } from "kysely";
import type { Channel, ExperimentStatus, Targeting } from "../lib/experiments/settings.ts";
import type { Role } from "../lib/roles.ts";
import type { ValueEvidence } from "../lib/lens/evidence.ts";
import type { ExperimentMetrics, StoredMetricDefinition } from "../lib/metrics/definition.ts";
import type {
  ContactCap,
  ForcedUnit,
  QuietHours,
  StoredHoldout,
} from "../lib/governance/policy.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** int8: read as string, written as number or string. */
type Int8 = ColumnType<string, number | string | undefined, number | string>;
// deno-lint-ignore no-explicit-any
type Json<T = any> = ColumnType<T, T | undefined, T>;

export type { Role };
export type { Channel, ExperimentStatus };

export interface BanksTable {
  id: string;
  name_zh: string;
  name_en: string;
  peer_group: string;
  synthetic: Generated<boolean>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: Generated<string>;
  password_hash: string;
  role: Role;
  /** null only for platform admins. */
  bank_id: string | null;
  growth_lead: Generated<boolean>;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConsultantBanksTable {
  user_id: string;
  bank_id: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
}

export interface AssessmentsTable {
  id: Generated<string>;
  bank_id: string;
  period: string;
  model_id: string;
  model_version: string;
  values: Json<Record<string, number>>;
  not_applicable: Json<Record<string, string>>;
  evidence: Json<Record<string, string>>;
  /** Per indicator: the value's source and link (migration 0017; absent: self-reported). */
  value_evidence: Json<Record<string, ValueEvidence>>;
  status: Generated<"draft" | "submitted">;
  revision: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: NullableTimestamp;
}

export interface AssessmentRevisionsTable {
  assessment_id: string;
  revision: number;
  bank_id: string;
  values: Json<Record<string, number>>;
  not_applicable: Json<Record<string, string>>;
  evidence: Json<Record<string, string>>;
  value_evidence: Json<Record<string, ValueEvidence>>;
  status: string;
  changed_by: string | null;
  changed_at: Timestamp;
}

/** One assessor's own draft of a bank and period (migration 0017, db/assessor_drafts.ts). */
export interface AssessorDraftsTable {
  bank_id: string;
  period: string;
  assessor_id: string;
  values: Json<Record<string, number>>;
  not_applicable: Json<Record<string, string>>;
  evidence: Json<Record<string, string>>;
  value_evidence: Json<Record<string, ValueEvidence>>;
  updated_at: Timestamp;
}

export interface CampaignsTable {
  id: Generated<string>;
  bank_id: string;
  name: string;
  channel: Channel;
  segment: Json<Targeting>;
  description: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExperimentsTable {
  id: Generated<string>;
  bank_id: string;
  campaign_id: string | null;
  iteration: Generated<number>;
  parent_experiment_id: string | null;
  key: string;
  name: string;
  mode: Generated<"ab" | "bandit">;
  status: Generated<ExperimentStatus>;
  primary_metric: Json<{ type: "conversion" | "value"; name?: string }>;
  guardrails: Json<Array<{ name: string; type: "conversion" | "value"; direction: string }>>;
  targeting: Json<{ stages?: string[]; tags?: string[] }>;
  alpha: Generated<number>;
  sequential: Generated<boolean>;
  sequential_tuning: Generated<number>;
  planned_sample_size: number | null;
  baseline_rate: number | null;
  min_share: Generated<number>;
  /** Bandits: minutes between scheduled reweightings. */
  reweight_minutes: Generated<number>;
  winner_variant: string | null;
  config_version: Generated<number>;
  /**
   * The A/B assignment rule (lib/experiments/assignment.ts): 1 for experiments older than
   * migration 0007, 2 (the column default) for every later one.
   */
  hash_version: Generated<1 | 2>;
  /** The metrics the experiment reads (migration 0010; keys of lib/metrics/definition.ts). */
  metrics: Json<ExperimentMetrics>;
  /** The mutual-exclusion layer and the range [layer_lo, layer_hi) taken of it (migration 0015). */
  layer_key: ColumnType<string | null, string | null | undefined, string | null>;
  layer_lo: ColumnType<number | null, number | null | undefined, number | null>;
  layer_hi: ColumnType<number | null, number | null | undefined, number | null>;
  /** QA units put into an arm (reason `forced`); never counted in results. */
  forced: Json<ForcedUnit[]>;
  /** When the retention purge froze its metric snapshots and removed its raw events (0018). */
  raw_events_purged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  started_at: NullableTimestamp;
  stopped_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VariantsTable {
  experiment_id: string;
  bank_id: string;
  position: number;
  name: string;
  description: Generated<string>;
  weight: number;
}

export interface CustomersTable {
  bank_id: string;
  unit: string;
  attributes: Json<{ stage?: string; tags?: string[] }>;
  marketing_consent: Generated<boolean>;
  updated_at: Timestamp;
}

export interface OptOutsTable {
  bank_id: string;
  unit: string;
  channel: Generated<string>;
  created_at: Timestamp;
}

export interface AssignmentsTable {
  experiment_id: string;
  bank_id: string;
  unit: string;
  variant: string;
  assigned_at: Timestamp;
  /** The allocation (period) the arm was given under; null before the first reweighting. */
  allocation_id: Int8 | null;
}

export interface EventsTable {
  bank_id: string;
  event_id: string;
  experiment_id: string;
  unit: string;
  type: "exposure" | "conversion";
  value: number | null;
  /** On exposures: the customer's pre-period value of the metric (CUPED), when sent. */
  covariate: ColumnType<number | null, number | null | undefined, number | null>;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  received_at: Timestamp;
}

/** Something a customer did, tied to no experiment (`type: "track"`, migration 0010). */
export interface TrackEventsTable {
  bank_id: string;
  event_id: string;
  event: string;
  unit: string;
  value: number | null;
  occurred_at: ColumnType<Date, Date | string, Date | string>;
  received_at: Timestamp;
}

/** One version of a bank's metric definition; the highest version is in force. */
export interface MetricsTable {
  bank_id: string;
  key: string;
  version: number;
  definition: Json<StoredMetricDefinition>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface UnitOutcomesTable {
  experiment_id: string;
  bank_id: string;
  unit: string;
  variant: string;
  first_exposure_at: ColumnType<Date, Date | string, Date | string>;
  converted_at: NullableTimestamp;
  value_sum: Generated<number>;
  covariate: number | null;
}

/**
 * Customers with stored events but no exposure yet (conversions that came first): ingestion
 * recomputes these from all their events (migration 0006). Written with raw SQL in
 * `event_outcomes.ts`; typed here so queries through Kysely see it too.
 */
export interface UnitPendingTable {
  experiment_id: string;
  bank_id: string;
  unit: string;
}

export interface DailyStatsTable {
  experiment_id: string;
  bank_id: string;
  variant: string;
  day: ColumnType<Date, string, string>;
  users: Int8;
  converters: Int8;
  value_sum: Generated<number>;
  value_sum_squares: Generated<number>;
  covariate_sum: Generated<number>;
  covariate_sum_squares: Generated<number>;
  covariate_cross: Generated<number>;
}

export interface SdkKeysTable {
  id: Generated<string>;
  bank_id: string;
  key_hash: string;
  prefix: string;
  label: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface AllocationsTable {
  id: Generated<string>;
  experiment_id: string;
  bank_id: string;
  computed_at: Timestamp;
  seed: string;
  // deno-lint-ignore no-explicit-any
  inputs: Json<any>;
  probability_best: Json<number[]>;
  weights: Json<number[]>;
  /** Per arm: whether it was cut to the floor (probability of being best under 1 %). */
  cut: Json<boolean[]>;
  reason: Generated<string>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: string | null;
  actor: string;
  bank_id: string | null;
  action: string;
  target: Generated<string>;
  details: Json<Record<string, unknown>>;
}

/** App instances and their memory leases (migration 0009, db/instances.ts). */
export interface AppInstancesTable {
  id: string;
  started_at: Generated<Date>;
  lease_until: Date;
}

/** Failed sign-ins per (account, client address), shared by every instance (migration 0008). */
export interface LoginAttemptsTable {
  /** The normalised email tried (also emails with no account). */
  account: string;
  address: string;
  window_start: Timestamp;
  failures: Generated<number>;
  last_success_at: NullableTimestamp;
}

/** One bank's lens target (migration 0013, db/targets.ts). */
export interface LensTargetsTable {
  bank_id: string;
  /** YYYY-MM-DD. */
  target_date: string;
  /** dimension id → { kind: "level" | "score", value }. */
  dimensions: Json<Record<string, { kind: "level" | "score"; value: number }>>;
  note: Generated<string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** A consultant's custom peer group (migration 0013, db/peer_groups.ts); kept when deleted. */
export interface PeerGroupsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface PeerGroupMembersTable {
  group_id: string;
  bank_id: string;
}

/** A bank's contact policy (migration 0015, lib/governance/policy.ts). */
export interface ContactPoliciesTable {
  bank_id: string;
  caps: Json<ContactCap[]>;
  quiet_hours: Json<QuietHours | null>;
  holdout: Json<StoredHoldout | null>;
  retention_days: number | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** One (experiment, customer) handed an arm on a capped channel (db/contacts.ts). */
export interface ContactsTable {
  experiment_id: string;
  bank_id: string;
  unit: string;
  channel: string;
  contacted_at: Timestamp;
}

/** A mutual-exclusion layer (migration 0015). */
export interface LayersTable {
  bank_id: string;
  key: string;
  name: string;
  created_by: string | null;
  created_at: Timestamp;
}

/** An erased customer, as a keyed hash of their id (PIPL; db/erasure.ts). */
export interface CustomerSuppressionsTable {
  bank_id: string;
  unit_hash: string;
  erased_at: Timestamp;
}

/** When the raw-event retention purge last ran for a bank (migration 0018, db/retention.ts). */
export interface RetentionRunsTable {
  bank_id: string;
  ran_at: Timestamp;
}

/** Answers per reason per experiment (lib/experiments/eligibility.ts reasons). */
export interface AssignmentReasonCountsTable {
  experiment_id: string;
  bank_id: string;
  reason: string;
  answers: Int8;
  updated_at: Timestamp;
}

export interface Database {
  banks: BanksTable;
  users: UsersTable;
  consultant_banks: ConsultantBanksTable;
  sessions: SessionsTable;
  assessments: AssessmentsTable;
  assessment_revisions: AssessmentRevisionsTable;
  assessor_drafts: AssessorDraftsTable;
  campaigns: CampaignsTable;
  experiments: ExperimentsTable;
  variants: VariantsTable;
  customers: CustomersTable;
  opt_outs: OptOutsTable;
  assignments: AssignmentsTable;
  events: EventsTable;
  track_events: TrackEventsTable;
  metrics: MetricsTable;
  unit_outcomes: UnitOutcomesTable;
  unit_pending: UnitPendingTable;
  daily_stats: DailyStatsTable;
  sdk_keys: SdkKeysTable;
  allocations: AllocationsTable;
  audit_log: AuditLogTable;
  login_attempts: LoginAttemptsTable;
  app_instances: AppInstancesTable;
  lens_targets: LensTargetsTable;
  peer_groups: PeerGroupsTable;
  peer_group_members: PeerGroupMembersTable;
  contact_policies: ContactPoliciesTable;
  contacts: ContactsTable;
  layers: LayersTable;
  customer_suppressions: CustomerSuppressionsTable;
  assignment_reason_counts: AssignmentReasonCountsTable;
  retention_runs: RetentionRunsTable;
}

/** The connection or an open transaction: what every repository function takes first. */
export type Db = Kysely<Database> | Transaction<Database>;
