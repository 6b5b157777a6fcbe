import { Hono } from "hono";
import type { AppEnv } from "../../plugins/context.ts";
import assessments from "./assessments.ts";
import assessors from "./assessors.ts";
import auth from "./auth.ts";
import bandits from "./bandits.ts";
import campaigns from "./campaigns.ts";
import experiments from "./experiments.ts";
import lens from "./lens.ts";
import metrics from "./metrics.ts";
import alerts, { experimentAlertSettings } from "./alerts.ts";
import notificationChannels from "./notification_channels.ts";
import peers from "./peers.ts";
import peerGroups from "./peer_groups.ts";
import sdkKeys from "./sdk_keys.ts";
import stats from "./stats.ts";
import targets from "./targets.ts";
import users from "./users.ts";
import digests, { bankSettings } from "./digests.ts";
import schedules from "./schedules.ts";
import layers from "./layers.ts";

/** Every JSON endpoint under `/api` but the SDK API (`/api/v1`, mounted early by `app.ts`). */
export function apiRoutes(): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  api.route("/stats", stats);
  api.route("/bandits", bandits);
  api.route("/lens", lens);
  api.route("/assessments", assessments);
  api.route("/assessments", assessors);
  api.route("/peers", peers);
  api.route("/peer-groups", peerGroups);
  api.route("/auth", auth);
  api.route("/users", users);
  api.route("/sdk-keys", sdkKeys);
  api.route("/campaigns", campaigns);
  api.route("/experiments", experiments);
  api.route("/metrics", metrics);
  api.route("/alerts", alerts);
  api.route("/notification-channels", notificationChannels);
  api.route("/experiments", experimentAlertSettings);
  api.route("/banks", targets);
  api.route("/experiments", schedules);
  api.route("/layers", layers);
  api.route("/digests", digests);
  api.route("/bank-settings", bankSettings);
  return api;
}
