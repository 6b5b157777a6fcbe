import { Hono } from "hono";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { type Bank, listBanks } from "../../db/banks.ts";
import { listUsers, type UserListing } from "../../db/users.ts";
import type { Translate } from "../../lib/i18n/mod.ts";
import { type Role, ROLES } from "../../lib/roles.ts";
import { parseWith } from "../../plugins/validate.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import {
  assignBanksAction,
  changeUserAction,
  consultantBanksSchema,
  createUserAction,
  newUserSchema,
  userPatchSchema,
} from "../api/users.ts";
import { field, Flash, formAction } from "./flash.tsx";

const app = new Hono<AppEnv>();
guardPage(app, "/admin/users");

function RoleSelect(props: { t: Translate; value?: Role }) {
  return (
    <select name="role" required>
      {ROLES.map((r) => (
        <option key={r} value={r} selected={r === props.value}>
          {props.t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

function BankSelect(props: { t: Translate; banks: Bank[]; value?: string | null; name?: string }) {
  return (
    <select name={props.name ?? "bankId"}>
      <option value="">{props.t("admin.noBank")}</option>
      {props.banks.map((b) => (
        <option key={b.id} value={b.id} selected={b.id === props.value}>{b.id}</option>
      ))}
    </select>
  );
}

/** The users table's columns: who, role and bank, assigned banks (consultants), status. */
function userColumns(t: Translate, banks: Bank[]): Column<UserListing>[] {
  return [
    {
      header: t("admin.email"),
      cell: (u) => (
        <>
          {u.email}
          <div class="muted small">{u.displayName}</div>
        </>
      ),
    },
    {
      header: t("admin.roleAndBank"),
      cell: (u) => (
        <form method="post" action={`/admin/users/${u.id}`} class="inline">
          <RoleSelect t={t} value={u.role} />
          <BankSelect t={t} banks={banks} value={u.bankId} />
          <label class="small">
            <input type="checkbox" name="growthLead" value="on" checked={u.growthLead} />{" "}
            {t("admin.growthLead")}
          </label>
          <button type="submit">{t("admin.save")}</button>
        </form>
      ),
    },
    {
      header: t("admin.assignedBanks"),
      cell: (u) =>
        u.role === "consultant"
          ? (
            <form method="post" action={`/admin/users/${u.id}/banks`} class="inline">
              <select name="bankIds" multiple size={3} aria-label={t("admin.assignedBanks")}>
                {banks.map((b) => (
                  <option key={b.id} value={b.id} selected={u.consultantBankIds.includes(b.id)}>
                    {b.id}
                  </option>
                ))}
              </select>
              <button type="submit">{t("admin.assign")}</button>
            </form>
          )
          : <span class="muted">—</span>,
    },
    {
      header: t("admin.status"),
      cell: (u) => (
        <form method="post" action={`/admin/users/${u.id}/status`} class="inline">
          <input type="hidden" name="disabled" value={u.disabled ? "0" : "1"} />
          <span class={u.disabled ? "badge warning" : "badge"}>
            {u.disabled ? t("admin.disabled") : t("admin.active")}
          </span>
          <button type="submit">{u.disabled ? t("admin.enable") : t("admin.disable")}</button>
        </form>
      ),
    },
  ];
}

app.get("/admin/users", async (c) => {
  const { t, db } = c.var;
  const [users, banks] = await Promise.all([listUsers(db), listBanks(db)]);
  return renderPage(c, {
    title: t("admin.users.title"),
    body: (
      <>
        <h1>{t("admin.users.title")}</h1>
        <Flash c={c} />
        <DataTable
          rows={users}
          rowKey={(u) => u.id}
          rowProps={(u) => ({ "data-testid": `user-${u.email}` })}
          columns={userColumns(t, banks)}
        />
        <section class="card">
          <h2>{t("admin.users.create")}</h2>
          <form method="post" action="/admin/users" class="stack">
            <label>
              {t("admin.email")} <input type="email" name="email" required />
            </label>
            <label>
              {t("admin.displayName")} <input type="text" name="displayName" maxLength={100} />
            </label>
            <label>
              {t("login.password")}{" "}
              <input
                type="password"
                name="password"
                required
                minLength={10}
                autocomplete="new-password"
              />
              <span class="muted small">{t("admin.passwordPolicy")}</span>
            </label>
            <label>
              {t("admin.role")} <RoleSelect t={t} />
            </label>
            <label>
              {t("admin.bank")} <BankSelect t={t} banks={banks} />
            </label>
            <label>
              <input type="checkbox" name="growthLead" value="on" /> {t("admin.growthLead")}
            </label>
            <button type="submit">{t("admin.users.create")}</button>
          </form>
        </section>
      </>
    ),
  });
});

app.post("/admin/users", async (c) => {
  const form = await c.req.parseBody();
  return formAction(c, "/admin/users", "created", async () => {
    const input = parseWith(newUserSchema, {
      email: field(form, "email"),
      password: typeof form.password === "string" ? form.password : "",
      role: field(form, "role"),
      bankId: field(form, "bankId") || null,
      displayName: field(form, "displayName"),
      growthLead: form.growthLead === "on",
    });
    await createUserAction(c, input);
  });
});

app.post("/admin/users/:id", async (c) => {
  const form = await c.req.parseBody();
  return formAction(c, "/admin/users", "updated", async () => {
    const patch = parseWith(userPatchSchema, {
      role: field(form, "role"),
      bankId: field(form, "bankId") || null,
      growthLead: form.growthLead === "on",
    });
    await changeUserAction(c, c.req.param("id"), patch);
  });
});

app.post("/admin/users/:id/status", async (c) => {
  const form = await c.req.parseBody();
  return formAction(c, "/admin/users", "status", async () => {
    await changeUserAction(c, c.req.param("id"), { disabled: field(form, "disabled") === "1" });
  });
});

app.post("/admin/users/:id/banks", async (c) => {
  const form = await c.req.parseBody({ all: true });
  const raw = form.bankIds;
  const bankIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((b) =>
    typeof b === "string"
  );
  return formAction(c, "/admin/users", "assigned", async () => {
    const input = parseWith(consultantBanksSchema, { bankIds });
    await assignBanksAction(c, c.req.param("id"), input.bankIds);
  });
});

export default app;
