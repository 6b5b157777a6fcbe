/**
 * `deno task test` prepares the machine (tools/prepare_tests.ts): the decisions, from what is
 * present and allowed to what is done or said, without installing or uninstalling anything.
 */
import assert from "node:assert/strict";
import { type Cluster, commands, decide, type Probe, probe } from "../tools/prepare_tests.ts";

/** A Debian machine run as root with everything present. */
function machine(changes: {
  ci?: boolean;
  skipPostgres?: boolean;
  chromium?: boolean;
  chromiumFromEnv?: boolean;
  cjkFonts?: boolean | null;
  poppler?: boolean;
  aptGet?: boolean;
  root?: boolean;
  sudo?: boolean;
  reachable?: boolean | null;
  host?: string;
  port?: number;
  clusters?: Cluster[];
  pgCtlcluster?: boolean;
} = {}): Probe {
  const host = changes.host ?? "127.0.0.1";
  return {
    ci: changes.ci ?? false,
    skipPostgres: changes.skipPostgres ?? false,
    chromium: {
      path: changes.chromiumFromEnv ? "/opt/chrome/chrome" : "/usr/bin/chromium",
      fromEnv: changes.chromiumFromEnv ?? false,
      present: changes.chromium ?? true,
    },
    cjkFonts: changes.cjkFonts === undefined ? true : changes.cjkFonts,
    ...(changes.poppler === undefined ? {} : { poppler: changes.poppler }),
    aptGet: changes.aptGet ?? true,
    root: changes.root ?? true,
    sudo: changes.sudo ?? false,
    postgres: {
      host,
      port: changes.port ?? 5432,
      local: ["127.0.0.1", "localhost", "::1"].includes(host),
      reachable: changes.reachable === undefined ? true : changes.reachable,
      clusters: changes.clusters ?? [{ version: "15", name: "main", port: 5432 }],
      pgCtlcluster: changes.pgCtlcluster ?? true,
    },
  };
}

Deno.test("prepare: everything present — nothing to do, nothing to say", () => {
  assert.deepEqual(decide(machine()), { steps: [], problems: [], notes: [] });
  assert.deepEqual(decide(machine({ ci: true })), { steps: [], problems: [], notes: [] });
  // macOS: no fontconfig to ask, its own Chinese fonts.
  assert.deepEqual(decide(machine({ cjkFonts: null })).steps, []);
});

Deno.test("prepare: a fresh Debian machine as root installs chromium and the fonts in one go", () => {
  const decision = decide(machine({ chromium: false, cjkFonts: false }));
  assert.deepEqual(decision.problems, []);
  assert.deepEqual(decision.steps, [
    { kind: "install", packages: ["chromium", "fonts-noto-cjk"], sudo: false },
  ]);
  assert.deepEqual(commands(decision.steps[0]), [
    ["apt-get", "update", "-qq"],
    [
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "install",
      "-y",
      "-qq",
      "chromium",
      "fonts-noto-cjk",
    ],
  ]);
  // Only what is missing.
  assert.deepEqual(decide(machine({ cjkFonts: false })).steps, [
    { kind: "install", packages: ["fonts-noto-cjk"], sudo: false },
  ]);
});

Deno.test("prepare: a user with passwordless sudo installs through sudo -n", () => {
  const decision = decide(machine({ chromium: false, root: false, sudo: true }));
  assert.deepEqual(decision.steps, [{ kind: "install", packages: ["chromium"], sudo: true }]);
  for (const cmd of commands(decision.steps[0])) assert.deepEqual(cmd.slice(0, 2), ["sudo", "-n"]);
});

Deno.test("prepare: without root or sudo, one message names Chromium and the command", () => {
  const decision = decide(machine({ chromium: false, root: false, sudo: false }));
  assert.deepEqual(decision.steps, []);
  assert.equal(decision.problems.length, 1);
  const [message] = decision.problems;
  assert.match(message, /^Chromium is missing \(the browser tests run \/usr\/bin\/chromium\)/);
  assert.match(message, /sudo asks for a password/);
  assert.match(message, /Install it: sudo apt-get install -y chromium fonts-noto-cjk$/);
  // In CI too: the browser tests are never skipped.
  assert.equal(decide(machine({ chromium: false, root: false, ci: true })).problems.length, 1);
});

Deno.test("prepare: without apt-get, Chromium's message points at CHROMIUM_PATH", () => {
  const decision = decide(machine({ chromium: false, aptGet: false }));
  assert.deepEqual(decision.steps, []);
  assert.equal(decision.problems.length, 1);
  assert.match(decision.problems[0], /package manager, or point CHROMIUM_PATH at a Chrome/);
});

Deno.test("prepare: a CHROMIUM_PATH that does not exist is reported, never papered over", () => {
  const decision = decide(machine({ chromium: false, chromiumFromEnv: true }));
  assert.deepEqual(decision.steps, []);
  assert.equal(decision.problems.length, 1);
  assert.match(decision.problems[0], /CHROMIUM_PATH=\/opt\/chrome\/chrome does not exist/);
});

Deno.test("prepare: missing Chinese fonts that cannot be installed warn outside CI, stop CI", () => {
  const outside = decide(machine({ cjkFonts: false, root: false }));
  assert.deepEqual(outside.steps, []);
  assert.deepEqual(outside.problems, []);
  assert.equal(outside.notes.length, 1);
  assert.match(outside.notes[0], /fonts-noto-cjk.*sudo apt-get install -y fonts-noto-cjk$/);
  const ci = decide(machine({ cjkFonts: false, root: false, ci: true }));
  assert.equal(ci.problems.length, 1);
  assert.match(ci.problems[0], /Chinese fonts are missing/);
});

Deno.test("prepare: an installed PostgreSQL that is down is started with pg_ctlcluster", () => {
  const decision = decide(machine({ reachable: false }));
  assert.deepEqual(decision.problems, []);
  assert.deepEqual(decision.steps, [{
    kind: "start-postgres",
    version: "15",
    name: "main",
    sudo: false,
  }]);
  assert.deepEqual(commands(decision.steps[0]), [
    ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
  ]);
  const sudo = decide(machine({ reachable: false, root: false, sudo: true }));
  assert.deepEqual(commands(sudo.steps[0])[0].slice(0, 3), ["sudo", "-n", "pg_ctlcluster"]);
});

Deno.test("prepare: of several clusters, the one on the tests' port is started", () => {
  const clusters = [
    { version: "15", name: "main", port: 5433 },
    { version: "16", name: "main", port: 5432 },
    { version: "17", name: "main", port: 5434 },
    { version: "17", name: "reports", port: 5432 },
  ];
  assert.deepEqual(decide(machine({ reachable: false, clusters })).steps, [
    { kind: "start-postgres", version: "16", name: "main", sudo: false },
  ]);
  assert.deepEqual(decide(machine({ reachable: false, clusters, port: 5433 })).steps, [
    { kind: "start-postgres", version: "15", name: "main", sudo: false },
  ]);
  // Not main: the cluster on the port by its name.
  const reports = decide(machine({ reachable: false, clusters: [clusters[3]] }));
  assert.deepEqual(commands(reports.steps[0]), [
    ["pg_ctlcluster", "--skip-systemctl-redirect", "17", "reports", "start"],
  ]);
  // No cluster on that port: nothing to start, a message instead.
  const none = decide(machine({ reachable: false, clusters, port: 6543 }));
  assert.deepEqual(none.steps, []);
  assert.match(none.problems[0], /no Debian cluster to start was found/);
});

Deno.test("prepare: PostgreSQL down and not startable: one message with the fix", () => {
  const noRights = decide(machine({ reachable: false, root: false }));
  assert.deepEqual(noRights.steps, []);
  assert.equal(noRights.problems.length, 1);
  assert.match(
    noRights.problems[0],
    /^PostgreSQL 15 \(cluster main\) is installed but not running/,
  );
  assert.match(noRights.problems[0], /sudo pg_ctlcluster 15 main start/);
  assert.match(noRights.problems[0], /LENSLOOP_SKIP_POSTGRES=1/);

  const notInstalled = decide(machine({ reachable: false, clusters: [] }));
  assert.equal(notInstalled.problems.length, 1);
  assert.match(notInstalled.problems[0], /No PostgreSQL server answers at 127\.0\.0\.1:5432/);
  assert.match(notInstalled.problems[0], /apt-get install -y postgresql/);
  // Not Debian's tools: nothing to start either.
  assert.equal(decide(machine({ reachable: false, pgCtlcluster: false })).problems.length, 1);

  const remote = decide(machine({ reachable: false, host: "db.example.test" }));
  assert.deepEqual(remote.steps, []);
  assert.match(remote.problems[0], /at db\.example\.test:5432 \(TEST_DATABASE_URL\)/);
});

Deno.test("prepare: LENSLOOP_SKIP_POSTGRES=1 skips outside CI only", () => {
  const outside = decide(machine({ skipPostgres: true, reachable: null }));
  assert.deepEqual(outside, {
    steps: [],
    problems: [],
    notes: ["PostgreSQL tests left out (LENSLOOP_SKIP_POSTGRES=1)."],
  });
  const ci = decide(machine({ skipPostgres: true, ci: true, reachable: false }));
  assert.deepEqual(ci.steps, [{
    kind: "start-postgres",
    version: "15",
    name: "main",
    sudo: false,
  }]);
  assert.deepEqual(ci.notes, ["LENSLOOP_SKIP_POSTGRES=1 is ignored in CI."]);
});

Deno.test("prepare: problems of both kinds are all reported at once", () => {
  const decision = decide(machine({ chromium: false, root: false, reachable: false }));
  assert.equal(decision.problems.length, 2);
});

Deno.test("prepare: probe reads CHROMIUM_PATH, CI and TEST_DATABASE_URL", async () => {
  const env: Record<string, string> = {
    CHROMIUM_PATH: "/nonexistent/chromium",
    LENSLOOP_SKIP_POSTGRES: "1",
    TEST_DATABASE_URL: "postgres://u:secret@[::1]:6543/test",
    PATH: "",
  };
  const found = await probe({ get: (name) => env[name] });
  assert.deepEqual(found.chromium, {
    path: "/nonexistent/chromium",
    fromEnv: true,
    present: false,
  });
  assert.equal(found.aptGet, false);
  assert.equal(found.ci, false);
  assert.equal(found.postgres.reachable, null, "not looked at when skipped");
  assert.deepEqual(
    { host: found.postgres.host, port: found.postgres.port, local: found.postgres.local },
    { host: "::1", port: 6543, local: true },
  );
});

Deno.test("prepare: deno task test prepares first, and .ci/run only wraps deno task test", async () => {
  const root = new URL("..", import.meta.url);
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  assert.match(
    tasks.test,
    /^deno run -A tools\/prepare_tests\.ts && deno run -A tools\/build_islands\.ts && deno test /,
  );
  const ci = await Deno.readTextFile(new URL(".ci/run", root));
  assert.match(ci, /"\$\{DENO\[@\]\}" task test/);
  assert.doesNotMatch(ci, /apt-get|pg_ctlcluster|pg_isready/, "the preparing lives in one place");
  assert.match(ci, /echo "\$\{passed:-0\} passed, \$\{failed:-0\} failed"/);
});

Deno.test("prepare: poppler-utils (the report's PDF test) joins the one apt-get, or is named", () => {
  assert.deepEqual(decide(machine({ poppler: false, cjkFonts: false })).steps, [
    { kind: "install", packages: ["fonts-noto-cjk", "poppler-utils"], sudo: false },
  ]);
  const refused = decide(machine({ poppler: false, root: false, sudo: false }));
  assert.deepEqual(refused.steps, []);
  assert.equal(refused.problems.length, 1);
  assert.match(refused.problems[0], /Install them: sudo apt-get install -y poppler-utils$/);
  assert.deepEqual(decide(machine({ poppler: true })).steps, []);
});
