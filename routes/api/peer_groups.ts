import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { listBanks } from "../../db/banks.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import {
  createPeerGroup,
  deletePeerGroup,
  listPeerGroups,
  type PeerGroup,
} from "../../db/peer_groups.ts";
import { type AppError, badRequest, conflict, forbidden, notFound } from "../../lib/errors.ts";
import type { Translate } from "../../lib/i18n/mod.ts";
import { groupProblem, type OtherGroup, standardGroups } from "../../lib/lens/custom_groups.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { storableText } from "../../lib/text_schema.ts";
import { groupName } from "../../components/lens/names.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv, SessionUser } from "../../plugins/context.ts";
import { parseWith, readJson } from "../../plugins/validate.ts";

export const peerGroupBody = z.strictObject({
  name: storableText().trim().min(1).max(80),
  bankIds: z.array(storableText().max(32)).min(1).max(500),
});

/** Consultants (and admins) benchmark against custom groups; others never see them. */
export function canUseCustomGroups(user: SessionUser | null): boolean {
  return user?.role === "consultant" || user?.role === "admin";
}

function requireRole(c: Context<AppEnv>): SessionUser {
  const user = c.var.user;
  if (!canUseCustomGroups(user)) {
    const refused = forbidden("Only consultants and admins use custom peer groups");
    refused.translation = { key: "groups.err.role" };
    throw refused;
  }
  return user!;
}

function translated(error: AppError, say: (t: Translate) => string): AppError {
  error.translation = { say };
  return error;
}

/** The groups a new group is compared with: the standard ones and every one the owner made. */
export async function otherGroups(c: Context<AppEnv>, ownerId: string): Promise<OtherGroup[]> {
  const [banks, own] = await Promise.all([
    listBanks(c.var.db),
    listPeerGroups(c.var.db, ownerId, { includeDeleted: true }),
  ]);
  return [
    ...standardGroups(banks),
    ...own.map((g) => ({ id: `custom:${g.id}`, bankIds: new Set(g.bankIds) })),
  ];
}

/** Creates a group for the caller after the privacy checks; audited. Shared with the page. */
export async function createGroup(c: Context<AppEnv>, input: unknown): Promise<PeerGroup> {
  const user = requireRole(c);
  const body = parseWith(peerGroupBody, input);
  const banks = await listBanks(c.var.db);
  const known = new Set(banks.map((b) => b.id));
  const others = await otherGroups(c, user.id);
  const problem = groupProblem(body.bankIds, known, others);
  if (problem?.code === "UNKNOWN_BANK") {
    const id = BANK_ID_PATTERN.test(problem.bankId) ? problem.bankId : "?";
    throw translated(
      badRequest("UNKNOWN_BANK", `No bank "${id}"`),
      (t) => t("groups.err.unknownBank", { id }),
    );
  }
  if (problem?.code === "GROUP_TOO_SMALL") {
    throw translated(
      badRequest(
        "GROUP_TOO_SMALL",
        `A peer group needs at least ${problem.k} banks; this one has ${problem.n}`,
      ),
      (t) => t("groups.err.small", { k: problem.k, n: problem.n }),
    );
  }
  if (problem?.code === "GROUP_TOO_LARGE") {
    throw badRequest("GROUP_TOO_LARGE", `At most ${problem.max} banks`, {
      key: "error.api.groupTooLarge",
      params: { max: problem.max },
    });
  }
  if (problem?.code === "GROUP_TOO_CLOSE") {
    const own = problem.other.startsWith("custom:")
      ? (await listPeerGroups(c.var.db, user.id, { includeDeleted: true }))
        .find((g) => `custom:${g.id}` === problem.other)?.name
      : undefined;
    const other = (t: Translate, locale: "zh-CN" | "en") =>
      own ?? groupName(locale, t, problem.other);
    throw translated(
      badRequest(
        "GROUP_TOO_CLOSE",
        `This group differs from "${own ?? problem.other}" by only ${problem.difference} banks`,
      ),
      (t) =>
        t("groups.err.close", {
          other: other(t, t("plan.lang") === "zh-CN" ? "zh-CN" : "en"),
          n: problem.difference,
          k: problem.k,
        }),
    );
  }
  try {
    return await c.var.db.transaction().execute(async (trx) => {
      const group = await createPeerGroup(trx, {
        ownerId: user.id,
        name: body.name,
        bankIds: body.bankIds,
      });
      await audit(c, {
        action: "peer_group.create",
        bankId: null,
        target: group.id,
        details: { name: group.name, bankIds: group.bankIds },
      }, trx);
      return group;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw translated(
      conflict("GROUP_EXISTS", `A peer group named "${body.name}" already exists`),
      (t) => t("groups.err.exists", { name: body.name }),
    );
  }
}

/** Deletes one of the caller's groups (kept for the overlap rule); audited. */
export async function removeGroup(c: Context<AppEnv>, id: string): Promise<void> {
  const user = requireRole(c);
  const removed = await c.var.db.transaction().execute(async (trx) => {
    const done = await deletePeerGroup(trx, user.id, id);
    if (done) await audit(c, { action: "peer_group.delete", bankId: null, target: id }, trx);
    return done;
  });
  if (!removed) throw notFound("No such peer group", { key: "error.api.noPeerGroup" });
}

function json(g: PeerGroup) {
  return { id: g.id, name: g.name, bankIds: g.bankIds, createdAt: g.createdAt };
}

/** A consultant's custom peer groups, mounted at `/api/peer-groups`. */
const app = new Hono<AppEnv>();

app.get("/", async (c) => {
  const user = requireRole(c);
  return c.json({ groups: (await listPeerGroups(c.var.db, user.id)).map(json) });
});

app.post("/", async (c) => {
  requireRole(c);
  const group = await createGroup(c, await readJson(c, z.unknown()));
  return c.json({ group: json(group) }, 201);
});

app.delete("/:id", async (c) => {
  await removeGroup(c, c.req.param("id"));
  return c.json({ removed: true });
});

export default app;
