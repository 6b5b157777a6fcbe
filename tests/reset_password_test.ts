/**
 * `deno task reset-password <email>` (tools/reset_password.ts), run as a child process against a
 * throwaway database on each backend (an embedded database in a temporary DATA_DIR, a PostgreSQL
 * database through DATABASE_URL); then the app signs in with the new password.
 */
import assert from "node:assert/strict";
import { listAudit } from "../db/audit.ts";
import { openDatabase, type OpenedDatabase } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { type Backend, BACKENDS, openTestDatabase } from "./helpers/db.ts";
import { createTestApp, jsonRequest, login, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";

const ROOT = new URL("..", import.meta.url);
const OTHER_ADMIN = { email: "张管理员@银行.cn", password: "旧密码-old-pass-42" };

interface Place {
  /** The environment that points the tool at this database. */
  env: Record<string, string>;
  /** Opens it in this process (the embedded one only while the tool is not running). */
  open(): Promise<OpenedDatabase>;
  drop(): Promise<void>;
}

async function throwawayDatabase(backend: Backend): Promise<Place> {
  if (backend === "pglite") {
    const dataDir = await Deno.makeTempDir({ prefix: "lensloop_reset_" });
    return {
      env: { DATABASE_URL: "", DATA_DIR: dataDir },
      open: () => openDatabase(undefined, { dataDir }),
      drop: () => Deno.remove(dataDir, { recursive: true }),
    };
  }
  const server = await openTestDatabase("postgres");
  return {
    env: { DATABASE_URL: server.url },
    open: () => openDatabase(server.url, { maxConnections: 2 }),
    drop: () => server.close(),
  };
}

async function resetPassword(
  env: Record<string, string>,
  args: string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/reset_password.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", USER: "ops-on-call", ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Signs in through the app on the database; the status of POST /api/auth/login. */
async function signInStatus(database: OpenedDatabase, email: string, password: string) {
  const { app } = await createTestApp(database.db, { demo: false });
  const res = await app.request("/api/auth/login", jsonRequest("POST", { email, password }));
  await res.body?.cancel();
  return res.status;
}

for (const backend of BACKENDS) {
  Deno.test({
    name:
      `reset-password: a new password, printed once, signs in; the old one and sessions end [${backend}]`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const place = await throwawayDatabase(backend);
      try {
        let oldSession: string;
        let database = await place.open();
        try {
          await migrateToLatest(database.db);
          await createTestApp(database.db, { demo: false }); // the admin, TEST_ADMIN
          await createUser(database.db, {
            email: OTHER_ADMIN.email,
            passwordHash: await hashPassword(OTHER_ADMIN.password, 1000),
            role: "admin",
            bankId: null,
            displayName: "<script>alert(1)</script>",
          });
          oldSession = await sessionCookie(database.db, TEST_ADMIN.email);
          // The owner forgot the password: five failures make this address wait…
          for (let i = 0; i < 5; i++) {
            assert.equal(await signInStatus(database, TEST_ADMIN.email, "wrong-guess-1"), 401);
          }
          assert.equal(await signInStatus(database, TEST_ADMIN.email, TEST_ADMIN.password), 429);
        } finally {
          await database.close();
        }

        // The email in other capitals, as people type it.
        const run = await resetPassword(place.env, ["Admin@TEST.local"]);
        assert.equal(run.code, 0, run.stderr);
        const match = run.stdout.match(
          /^New password for admin@test\.local \(shown once\): (\S+)$/m,
        );
        assert.ok(match, run.stdout);
        const password = match[1];
        assert.ok(password.length >= 16);
        assert.match(run.stdout, /Signed out of 1 open session\(s\)\./);

        database = await place.open();
        try {
          // …and the reset lifts the wait, so the new password works at once.
          assert.equal(await signInStatus(database, TEST_ADMIN.email, password), 200);
          assert.equal(await signInStatus(database, TEST_ADMIN.email, TEST_ADMIN.password), 401);
          const { app } = await createTestApp(database.db, { demo: false });
          const me = await app.request("/api/auth/me", { headers: { cookie: oldSession } });
          await me.body?.cancel();
          assert.equal(me.status, 401, "the session from before the reset is signed out");
          // The other user is untouched.
          assert.ok(await login(app, OTHER_ADMIN.email, OTHER_ADMIN.password));

          const { entries } = await listAudit(database.db, {
            action: "user.update",
            limit: 10,
            offset: 0,
          });
          assert.equal(entries.length, 1);
          assert.equal(entries[0].actor, "cli:ops-on-call");
          assert.equal(entries[0].actorUserId, null);
          assert.equal(entries[0].target, TEST_ADMIN.email);
          assert.deepEqual(entries[0].details, {
            passwordChanged: true,
            sessionsRevoked: 1,
            via: "command line",
          });
          assert.ok(!JSON.stringify(entries[0]).includes(password), "no password in the log");
        } finally {
          await database.close();
        }
      } finally {
        await place.drop();
      }
    },
  });

  Deno.test({
    name:
      `reset-password: --password-stdin sets a chosen password; weak ones and unknown emails change nothing [${backend}]`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const place = await throwawayDatabase(backend);
      try {
        let database = await place.open();
        try {
          await migrateToLatest(database.db);
          await createUser(database.db, {
            email: OTHER_ADMIN.email,
            passwordHash: await hashPassword(OTHER_ADMIN.password, 1000),
            role: "admin",
            bankId: null,
          });
        } finally {
          await database.close();
        }

        const weak = await resetPassword(
          place.env,
          [OTHER_ADMIN.email, "--password-stdin"],
          "short\n",
        );
        assert.equal(weak.code, 1);
        assert.match(weak.stderr, /The password is shorter than 10 characters\./);

        for (const unknown of ["<script>@x.cn", "C000000001@银行.cn"]) {
          const refused = await resetPassword(place.env, [unknown]);
          assert.equal(refused.code, 1);
          assert.equal(refused.stdout, "", "no password printed");
          assert.ok(
            refused.stderr.includes(`No user has the email "${unknown}"`),
            refused.stderr,
          );
          assert.match(refused.stderr, /Nothing was changed/);
        }

        const chosen = "新的密码-New-pass-2026";
        const set = await resetPassword(
          place.env,
          [OTHER_ADMIN.email, "--password-stdin"],
          `${chosen}\r\n`,
        );
        assert.equal(set.code, 0, set.stderr);
        assert.equal(set.stdout.trim(), `Password for ${OTHER_ADMIN.email} set.`);

        database = await place.open();
        try {
          assert.equal(await signInStatus(database, OTHER_ADMIN.email, chosen), 200);
          const { entries } = await listAudit(database.db, {
            action: "user.update",
            limit: 10,
            offset: 0,
          });
          assert.equal(entries.length, 1, "only the successful reset is audited");
        } finally {
          await database.close();
        }
      } finally {
        await place.drop();
      }
    },
  });
}

Deno.test({
  name: "reset-password: refuses an embedded database that is missing or open in another process",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "lensloop_reset_" });
    try {
      const env = { DATABASE_URL: "", DATA_DIR: dataDir };
      const missing = await resetPassword(env, [TEST_ADMIN.email]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /There is no Lensloop database in .*start the app once/);

      const database = await openDatabase(undefined, { dataDir });
      try {
        await migrateToLatest(database.db);
        await createTestApp(database.db, { demo: false });
        const open = await resetPassword(env, [TEST_ADMIN.email]);
        assert.equal(open.code, 1);
        assert.match(open.stderr, /is open \(postmaster\.pid exists\): stop the app first/);
        assert.equal(open.stdout, "");
      } finally {
        await database.close();
      }

      const memory = await resetPassword({ DATABASE_URL: "memory://" }, [TEST_ADMIN.email]);
      assert.equal(memory.code, 1);
      assert.match(memory.stderr, /memory:\/\/ keeps nothing between runs/);

      const usage = await resetPassword(env, []);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Usage: deno task reset-password <email> \[--password-stdin\]/);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
