/**
 * First-start setup on an empty database: the first admin (always), and unless `SEED_DEMO=0`
 * the 20 demo banks with one assessment each, the demo bank CC2 (甬鑫银行) with users, an SDK
 * key, a campaign and a running 50/50 A/B experiment `welcome-sms`. Runs in one transaction
 * and only when there is no user yet, so a second start seeds nothing.
 */
import { type Kysely, sql } from "kysely";
import demoBanks from "../lib/lens/demo-banks.json" with { type: "json" };
import { MODEL } from "../lib/lens/model.ts";
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
      displayName: "Administrator",
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
      segment: { stages: ["new"], tags: ["未绑卡"] },
      description:
        "New customers who have not yet bound a card get an SMS; the challenger adds a coupon.",
      createdBy: admin.id,
    });
    await createExperiment(trx, {
      bankId: DEMO_BANK_ID,
      campaignId: campaign.id,
      key: "welcome-sms",
      name: "首绑短信：普通文案 vs 满减券",
      status: "running",
      startedAt: new Date(),
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
