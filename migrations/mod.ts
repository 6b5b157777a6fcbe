// The list of migrations, in order. A static list (rather than a folder scan) also works where
// the file system is not readable, such as an edge runtime.
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_initial.ts";
import * as m0002 from "./0002_event_units.ts";
import * as m0003 from "./0003_event_covariate.ts";
import * as m0004 from "./0004_bandit_loop.ts";
import * as m0005 from "./0005_config_notify.ts";
import * as m0006 from "./0006_unit_pending.ts";
import * as m0007 from "./0007_hash_version.ts";
import * as m0008 from "./0008_login_throttle.ts";
import * as m0009 from "./0009_app_instances.ts";
import * as m0010 from "./0010_metric_library.ts";
import * as m0011 from "./0011_metric_snapshots.ts";
import * as m0012 from "./0012_variant_names.ts";
import * as m0013 from "./0013_lens_targets.ts";
import * as m0014 from "./0014_alerts.ts";
import * as m0015 from "./0015_traffic_governance.ts";
import * as m0016 from "./0016_schedules_digests.ts";
import * as m0017 from "./0017_lens_evidence_assessors.ts";
import * as m0018 from "./0018_erasure_retention.ts";
import * as m0019 from "./0019_metric_unit_values.ts";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_event_units": m0002,
  "0003_event_covariate": m0003,
  "0004_bandit_loop": m0004,
  "0005_config_notify": m0005,
  "0006_unit_pending": m0006,
  "0007_hash_version": m0007,
  "0008_login_throttle": m0008,
  "0009_app_instances": m0009,
  "0010_metric_library": m0010,
  "0011_metric_snapshots": m0011,
  "0012_variant_names": m0012,
  "0013_lens_targets": m0013,
  "0014_alerts": m0014,
  "0015_traffic_governance": m0015,
  "0016_schedules_digests": m0016,
  "0017_lens_evidence_assessors": m0017,
  "0018_erasure_retention": m0018,
  "0019_metric_unit_values": m0019,
};
