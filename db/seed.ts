/**
 * First-start setup on an empty database: the first admin (always), and unless `SEED_DEMO=0`
 * the 20 demo banks with one assessment each, the demo bank CC2 (甬鑫银行) with users, an SDK
 * key, a campaign with a running 50/50 A/B experiment `welcome-sms` and four days of its traffic
 * (`seed_welcome.ts`), an older campaign with a short lineage (two decided A/B iterations and a
 * drafted third, see `seedLineageCampaign`),
 * and a running bandit with three days of history (`seed_bandit.ts`).
 * Runs in one transaction and only when there is no user yet, so a second start seeds nothing.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { seedBanditCampaign } from "./seed_bandit.ts";
import { seedWelcomeTraffic, WELCOME_PLAN } from "./seed_welcome.ts";
import { seedDemoMetrics } from "./seed_metrics.ts";
import demoBanks from "../lib/lens/demo-banks.json" with { type: "json" };
import { MODEL } from "../lib/lens/model.ts";
import { sampleSizeProportions, targetRate } from "../lib/stats/power.ts";
import { hashPassword, randomToken } from "../lib/security/password.ts";
import { saveAssessment } from "./assessments.ts";
import { appendAudit } from "./audit.ts";
import { insertBanks } from "./banks.ts";
import { createCampaign } from "./campaigns.ts";
import { createExperiment } from "./experiments.ts";
import type { Database } from "./schema.ts";
import { createSdkKey } from "./sdk_keys.ts";
import { assignConsultant, createUser } from "./users.ts";

export const DEMO_BANK_ID = "CC2";

export interface SeedOptions {
  adminEmail?: string;
  adminPassword?: string;
  sdkKey?: string;
  demo: boolean;
  /**
   * Four days of traffic in the running A/B test `welcome-sms` (default true). Tests that send
   * their own events to `welcome-sms` and count them turn it off.
   */
  demoTraffic?: boolean;
}

export interface SeedResult {
  seeded: boolean;
  demo: boolean;
  adminEmail?: string;
  /** Set only when the password was generated: print it once. */
  generatedAdminPassword?: string;
  /** Set only when the key was generated: print it once. */
  generatedSdkKey?: string;
  demoUsers?: string[];
  /** The demo users' password when it was generated: print it once. */
  generatedDemoPassword?: string;
}

/** The demo file writes a missing figure as null; an assessment simply leaves it out. */
function presentValues(values: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, number] => entry[1] !== null),
  );
}

export async function seedIfEmpty(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  return await db.transaction().execute(async (trx) => {
    // Serialise concurrent first starts of several instances on one database.
    await sql`select pg_advisory_xact_lock(727274)`.execute(trx);
    const existing = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
    if (existing) return { seeded: false, demo: false };

    const adminEmail = (options.adminEmail ?? "admin@lensloop.local").toLowerCase();
    const generatedAdminPassword = options.adminPassword ? undefined : randomToken(12);
    const admin = await createUser(trx, {
      email: adminEmail,
      passwordHash: await hashPassword(options.adminPassword ?? generatedAdminPassword!),
      role: "admin",
      bankId: null,
    });
    await appendAudit(trx, {
      actorUserId: null,
      actor: "system",
      bankId: null,
      action: "user.create",
      target: adminEmail,
      details: { role: "admin", reason: "first start" },
    });
    if (!options.demo) return { seeded: true, demo: false, adminEmail, generatedAdminPassword };

    await insertBanks(
      trx,
      demoBanks.map((b) => ({
        id: b.id,
        nameZh: b.name_zh,
        nameEn: b.name_en,
        peerGroup: b.peer_group,
        synthetic: b.synthetic,
      })),
    );
    for (const bank of demoBanks) {
      await saveAssessment(trx, {
        bankId: bank.id,
        period: bank.period,
        modelId: MODEL.model_id,
        modelVersion: MODEL.version,
        values: presentValues(bank.values),
        status: "submitted",
        changedBy: admin.id,
      });
    }

    const demoPassword = randomToken(12);
    const demoHash = await hashPassword(demoPassword);
    const demoUsers = [
      { email: "exec@cc2.demo", role: "executive" as const, displayName: "陈行长" },
      {
        email: "growth@cc2.demo",
        role: "growth" as const,
        displayName: "林经理",
        growthLead: true,
      },
      { email: "consultant@lensloop.demo", role: "consultant" as const, displayName: "顾问 王" },
    ];
    for (const u of demoUsers) {
      const user = await createUser(trx, { ...u, passwordHash: demoHash, bankId: DEMO_BANK_ID });
      if (u.role === "consultant") {
        await assignConsultant(trx, user.id, [DEMO_BANK_ID, "CC1", "RC2"]);
      }
    }

    const key = await createSdkKey(trx, {
      bankId: DEMO_BANK_ID,
      label: "demo",
      createdBy: admin.id,
      plainKey: options.sdkKey,
    });
    const campaign = await createCampaign(trx, {
      bankId: DEMO_BANK_ID,
      name: "新客首次绑卡激励（短信）",
      channel: "sms",
      // The onboarding system picks the recipients (new customers without a bound card), so the
      // campaign sets no segment: every customer the SMS goes to may be in its experiments.
      segment: {},
      description:
        "The onboarding system texts new customers who have not yet bound a card; the challenger adds a coupon.",
      createdBy: admin.id,
    });
    const now = new Date();
    // Midnight UTC four days ago, so each seeded day's 08:00–22:00 Beijing time is one calendar
    // day: started at any hour, the traffic spans exactly four days of the timeline.
    const welcomeStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 4 * DAY_MS);
    const plan = WELCOME_PLAN;
    await createExperiment(trx, {
      bankId: DEMO_BANK_ID,
      campaignId: campaign.id,
      key: "welcome-sms",
      name: "首绑短信：普通文案 vs 满减券",
      status: "running",
      startedAt: welcomeStart,
      baselineRate: plan.baselineRate,
      plannedSampleSize: sampleSizeProportions({
        baselineRate: plan.baselineRate,
        variantRate: targetRate(plan.baselineRate, plan.minimumDetectableEffect),
      }).total,
      variants: [
        { name: "control", description: "标准欢迎短信 / Standard welcome SMS", weight: 0.5 },
        {
          name: "coupon",
          description: "欢迎短信 + 绑卡满减券 / Welcome SMS with a card-binding coupon",
          weight: 0.5,
        },
      ],
      createdBy: admin.id,
    });
    if (options.demoTraffic ?? true) {
      await seedWelcomeTraffic(trx, DEMO_BANK_ID, { key: "welcome-sms", start: welcomeStart, now });
      await seedDemoMetrics(trx, DEMO_BANK_ID, {
        adminId: admin.id,
        experimentKey: "welcome-sms",
        now,
      });
    }
    await seedLineageCampaign(trx, admin.id, new Date());
    await seedBanditCampaign(trx, DEMO_BANK_ID, admin.id, new Date());
    await appendAudit(trx, {
      actorUserId: null,
      actor: "system",
      bankId: DEMO_BANK_ID,
      action: "seed.demo",
      details: { banks: demoBanks.length, sdkKeyPrefix: key.prefix },
    });
    return {
      seeded: true,
      demo: true,
      adminEmail,
      generatedAdminPassword,
      generatedSdkKey: options.sdkKey ? undefined : key.key,
      demoUsers: demoUsers.map((u) => u.email),
      generatedDemoPassword: demoPassword,
    };
  });
}

const DAY_MS = 86_400_000;

/** Splits `total` over days in proportion to `weights` (cyclic), exactly summing to `total`. */
function spread(total: number, days: number, weights: readonly number[]): number[] {
  const w = Array.from({ length: days }, (_, d) => weights[d % weights.length]);
  const sum = w.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  return w.map((x) => {
    const before = Math.floor((total * cumulative) / sum);
    cumulative += x;
    return Math.floor((total * cumulative) / sum) - before;
  });
}

/**
 * The demo bank's second campaign, started about three months before `now`: iteration 1
 * (generic vs personalised wording) decided for `personal`, iteration 2 (personalised vs
 * personalised + points) promoted from it and decided for `points`, iteration 3 drafted from
 * that. Aggregates go straight into `daily_stats` (users and converters per day and arm, as
 * ingestion would have left them; decided experiments take no more events, and no per-customer
 * rows are needed to read them).
 */
async function seedLineageCampaign(trx: Transaction<Database>, adminId: string, now: Date) {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const campaign = await createCampaign(trx, {
    bankId: DEMO_BANK_ID,
    name: "沉睡客户唤醒（App 推送）",
    channel: "app_push",
    segment: { stages: ["inactive"], tags: [] },
    description:
      "Dormant customers get an app push; each iteration's winner becomes the next control.",
    createdBy: adminId,
  });
  await trx.updateTable("campaigns").set({ created_at: ago(90), updated_at: ago(90) })
    .where("id", "=", campaign.id).execute();
  const iterations = [
    {
      key: "wake-push-1",
      name: "唤醒推送 1：通用文案 vs 个性化文案",
      start: 80,
      days: 14,
      winner: "personal",
      variants: [
        { name: "control", description: "通用文案 / Generic wording", totals: [20_000, 400] },
        {
          name: "personal",
          description: "个性化文案（称呼 + 常用功能）/ Personalised wording",
          totals: [20_000, 520],
        },
      ],
    },
    {
      key: "wake-push-2",
      name: "唤醒推送 2：个性化文案 vs 加赠积分",
      start: 60,
      days: 21,
      winner: "points",
      variants: [
        {
          name: "personal",
          description: "个性化文案 / Personalised wording",
          totals: [25_000, 613],
        },
        {
          name: "points",
          description: "个性化文案 + 登录送积分 / Personalised wording with sign-in points",
          totals: [25_000, 725],
        },
      ],
    },
    {
      key: "wake-push-3",
      name: "唤醒推送 3：白天发送 vs 晚间 8 点发送",
      start: 36,
      days: 0,
      winner: null,
      variants: [
        {
          name: "points",
          description: "个性化文案 + 积分 / Personalised with points",
          totals: [0, 0],
        },
        { name: "evening", description: "晚间 8 点发送 / Sent at 8 pm", totals: [0, 0] },
      ],
    },
  ];
  let parent: { id: string; rate: number } | null = null;
  for (const [index, it] of iterations.entries()) {
    const decided = it.winner !== null;
    const { id } = await createExperiment(trx, {
      bankId: DEMO_BANK_ID,
      campaignId: campaign.id,
      key: it.key,
      name: it.name,
      status: decided ? "decided" : "draft",
      iteration: index + 1,
      parentExperimentId: parent?.id ?? null,
      baselineRate: parent?.rate ?? 0.02,
      startedAt: decided ? ago(it.start) : null,
      variants: it.variants.map((v) => ({ name: v.name, description: v.description, weight: 0.5 })),
      createdBy: adminId,
    });
    await trx.updateTable("experiments").set({
      created_at: ago(it.start + 2),
      updated_at: decided ? ago(it.start - it.days - 1) : ago(it.start),
      stopped_at: decided ? ago(it.start - it.days) : null,
      decided_at: decided ? ago(it.start - it.days - 1) : null,
      winner_variant: it.winner,
    }).where("id", "=", id).execute();
    if (!decided) continue;
    const rows = it.variants.flatMap((v) => {
      const users = spread(v.totals[0], it.days, [1, 1.1, 0.9, 1.2, 1, 0.8, 0.7]);
      const converters = spread(v.totals[1], it.days, [0.9, 1.2, 1, 1.1, 0.8, 0.9, 0.6]);
      return users.map((u, d) => ({
        experiment_id: id,
        bank_id: DEMO_BANK_ID,
        variant: v.name,
        day: ago(it.start - d).toISOString().slice(0, 10),
        users: u,
        converters: converters[d],
      }));
    });
    await trx.insertInto("daily_stats").values(rows).execute();
    const won = it.variants.find((v) => v.name === it.winner)!;
    parent = { id, rate: won.totals[1] / won.totals[0] };
  }
}
