/**
 * The first step of `deno task test`: makes sure what the tests need is there, so that a
 * newcomer's `npx deno task test` works on a fresh Debian machine and CI (`.ci/run`) runs the same
 * command.
 *
 * - Debian's `chromium` (the browser tests), `fonts-noto-cjk` (Chinese rendered as text, not
 *   boxes) and `poppler-utils` (pdftotext/pdfinfo: the board report's PDF test) are installed
 *   with apt-get when missing and allowed: as root, or with passwordless sudo.
 * - A Debian PostgreSQL cluster that is installed but down is started
 *   (`pg_ctlcluster --skip-systemctl-redirect <version> main start`, or the cluster on the
 *   tests' port when it is not `main`), as root or with sudo.
 * - Otherwise one message names what is missing and the command that fixes it, and the script
 *   exits 1. Outside CI, `LENSLOOP_SKIP_POSTGRES=1` leaves the PostgreSQL tests out (as
 *   tests/helpers/db.ts does) and missing Chinese fonts only warn. In CI nothing is skipped.
 *   Browser tests cannot be skipped by a variable: run `deno test -A --parallel
 *   --ignore=tests/browser/` by hand meanwhile.
 *
 * When everything is present it only looks (a file check, `fc-list`, one PostgreSQL handshake byte): well under a
 * second. `decide()` is pure and tested in tests/prepare_tests_test.ts.
 */

/** The Chromium the browser tests drive (tests/browser/helpers.ts reads the same variable). */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
/** The server of the PostgreSQL tests (tests/helpers/db.ts reads the same variable). */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** What is on this machine and what this user may do; gathered by `probe()`. */
export interface Probe {
  /** `CI` is set: nothing may be skipped. */
  ci: boolean;
  /** `LENSLOOP_SKIP_POSTGRES=1`. */
  skipPostgres: boolean;
  chromium: { path: string; fromEnv: boolean; present: boolean };
  /** A font with Chinese glyphs; `null` when this system cannot tell (no fontconfig). */
  cjkFonts: boolean | null;
  /** poppler-utils' `pdftotext` and `pdfinfo` (the board report's PDF test); absent = present. */
  poppler?: boolean;
  aptGet: boolean;
  root: boolean;
  /** sudo without a password (only asked when something needs doing and the user is not root). */
  sudo: boolean;
  postgres: {
    host: string;
    port: number;
    /** The host is this machine (a cluster here may be started). */
    local: boolean;
    /** A PostgreSQL server answers there; `null` when not looked at (skipped). */
    reachable: boolean | null;
    /** Debian clusters (`/etc/postgresql/<version>/<name>`) and their ports. */
    clusters: Cluster[];
    pgCtlcluster: boolean;
  };
}

export interface Cluster {
  version: string;
  name: string;
  port: number;
}

export type Step =
  | { kind: "install"; packages: string[]; sudo: boolean }
  | { kind: "start-postgres"; version: string; name: string; sudo: boolean };

export interface Decision {
  /** Done in order before the tests run. */
  steps: Step[];
  /** Each names a missing piece and the command that fixes it; any of them stops the tests. */
  problems: string[];
  /** Said, but the tests run. */
  notes: string[];
}

const SKIP_POSTGRES_HINT = "or LENSLOOP_SKIP_POSTGRES=1 to leave the PostgreSQL tests out " +
  "(not in CI)";

/** What to do, and what to say, given what is present and allowed. */
export function decide(p: Probe): Decision {
  const steps: Step[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  const mayInstall = p.aptGet && (p.root || p.sudo);
  const sudoPrefix = p.root ? "" : "sudo ";
  const why = p.root || p.sudo
    ? ""
    : " (this user is not root and sudo asks for a password, so the tests cannot install it)";

  // Chromium and the Chinese fonts: one apt-get for whatever of the two is missing.
  const packages: string[] = [];
  if (!p.chromium.present) {
    if (p.chromium.fromEnv) {
      problems.push(
        `Chromium is missing: CHROMIUM_PATH=${p.chromium.path} does not exist. Point CHROMIUM_PATH ` +
          `at a Chrome or Chromium binary, or unset it to use Debian's chromium ` +
          `(${sudoPrefix}apt-get install -y chromium).`,
      );
    } else if (mayInstall) {
      packages.push("chromium");
    } else {
      problems.push(
        `Chromium is missing (the browser tests run ${p.chromium.path})${why}. ` +
          (p.aptGet
            ? `Install it: ${sudoPrefix}apt-get install -y chromium fonts-noto-cjk`
            : "Install Chromium with this system's package manager, or point CHROMIUM_PATH at a " +
              "Chrome or Chromium binary."),
      );
    }
  }
  if (p.cjkFonts === false) {
    if (mayInstall) {
      packages.push("fonts-noto-cjk");
    } else {
      const message = `Chinese fonts are missing (fonts-noto-cjk)${why}: browser pages and ` +
        `screenshots show boxes instead of Chinese. Install them: ` +
        (p.aptGet ? `${sudoPrefix}apt-get install -y fonts-noto-cjk` : "Noto Sans CJK");
      (p.ci ? problems : notes).push(message);
    }
  }
  if (p.poppler === false) {
    if (mayInstall) {
      packages.push("poppler-utils");
    } else {
      problems.push(
        `pdftotext and pdfinfo are missing (poppler-utils: the board report's PDF test reads ` +
          `its pages and text)${why}. Install them: ` +
          (p.aptGet ? `${sudoPrefix}apt-get install -y poppler-utils` : "poppler-utils"),
      );
    }
  }
  if (packages.length) steps.push({ kind: "install", packages, sudo: !p.root });

  // PostgreSQL.
  const pg = p.postgres;
  const where = `${pg.host}:${pg.port}`;
  if (p.skipPostgres && !p.ci) {
    notes.push("PostgreSQL tests left out (LENSLOOP_SKIP_POSTGRES=1).");
  } else if (pg.reachable === false) {
    if (p.skipPostgres) notes.push("LENSLOOP_SKIP_POSTGRES=1 is ignored in CI.");
    const cluster = pg.local && pg.pgCtlcluster ? pickCluster(pg.clusters, pg.port) : undefined;
    if (!pg.local) {
      problems.push(
        `No PostgreSQL server answers at ${where} (TEST_DATABASE_URL). Start it or correct ` +
          `TEST_DATABASE_URL, ${SKIP_POSTGRES_HINT}.`,
      );
    } else if (!cluster) {
      problems.push(
        `No PostgreSQL server answers at ${where}, and no Debian cluster to start was found. ` +
          `Install one (${sudoPrefix}apt-get install -y postgresql), let 127.0.0.1 connect as ` +
          `postgres without a password (trust in pg_hba.conf) and create the database test; or ` +
          `set TEST_DATABASE_URL to a server where the tests may create databases, ` +
          `${SKIP_POSTGRES_HINT}.`,
      );
    } else if (p.root || p.sudo) {
      steps.push({
        kind: "start-postgres",
        version: cluster.version,
        name: cluster.name,
        sudo: !p.root,
      });
    } else {
      problems.push(
        `PostgreSQL ${cluster.version} (cluster ${cluster.name}) is installed but not running at ` +
          `${where} (this user is ` +
          `not root and sudo asks for a password, so the tests cannot start it). Start it: ` +
          `sudo pg_ctlcluster ${cluster.version} ${cluster.name} start — ${SKIP_POSTGRES_HINT}.`,
      );
    }
  }
  return { steps, problems, notes };
}

/** The cluster on the tests' port: `main` first, then the newest version. */
function pickCluster(clusters: Cluster[], port: number): Cluster | undefined {
  return clusters.filter((c) => c.port === port).sort((a, b) =>
    Number(b.name === "main") - Number(a.name === "main") ||
    Number(b.version) - Number(a.version)
  )[0];
}

/** The shell words of a step, as run (and shown). */
export function commands(step: Step): string[][] {
  const sudo = step.sudo ? ["sudo", "-n"] : [];
  if (step.kind === "install") {
    return [
      [...sudo, "apt-get", "update", "-qq"],
      [
        ...sudo,
        "env",
        "DEBIAN_FRONTEND=noninteractive",
        "apt-get",
        "install",
        "-y",
        "-qq",
        ...step.packages,
      ],
    ];
  }
  return [[
    ...sudo,
    "pg_ctlcluster",
    "--skip-systemctl-redirect",
    step.version,
    step.name,
    "start",
  ]];
}

// ---------------------------------------------------------------------------------------------
// Looking at the machine.

function onPath(name: string, env: { get(name: string): string | undefined }): boolean {
  for (const dir of (env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111)) return true;
    } catch {
      // not here
    }
  }
  return false;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

async function succeeds(cmd: string[]): Promise<{ ok: boolean; stdout: string }> {
  try {
    const out = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { ok: out.success, stdout: new TextDecoder().decode(out.stdout) };
  } catch {
    return { ok: false, stdout: "" };
  }
}

async function hasCjkFonts(env: { get(name: string): string | undefined }) {
  if (Deno.build.os !== "linux") return null; // macOS and Windows ship Chinese fonts
  if (!onPath("fc-list", env)) {
    try {
      return [...Deno.readDirSync("/usr/share/fonts/opentype/noto")]
        .some((e) => e.name.includes("CJK"));
    } catch {
      return false;
    }
  }
  const out = await succeeds(["fc-list", ":lang=zh", "family"]);
  return out.ok && out.stdout.trim() !== "";
}

/**
 * A PostgreSQL server answers at host:port: it replies to an SSLRequest with "S" or "N" (a bare
 * TCP connect is not enough: some networks accept every connection).
 */
async function answers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ask = async () => {
    conn = await Deno.connect({ hostname: host, port });
    // Int32 length 8, Int32 80877103: the SSLRequest code.
    await conn.write(new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    const reply = new Uint8Array(1);
    const n = await conn.read(reply);
    return n === 1 && (reply[0] === 0x53 || reply[0] === 0x4e);
  };
  try {
    return await Promise.race([ask(), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // already closed
    }
  }
}

function debianClusters(): Cluster[] {
  const clusters: Cluster[] = [];
  const list = (dir: string) => {
    try {
      return [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name);
    } catch {
      return [];
    }
  };
  for (const version of list("/etc/postgresql")) {
    for (const name of list(`/etc/postgresql/${version}`)) {
      let conf: string;
      try {
        conf = Deno.readTextFileSync(`/etc/postgresql/${version}/${name}/postgresql.conf`);
      } catch {
        continue;
      }
      const port = conf.match(/^\s*port\s*=\s*(\d+)/m);
      clusters.push({ version, name, port: port ? Number(port[1]) : 5432 });
    }
  }
  return clusters;
}

function serverOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: Number(parsed.port || 5432),
  };
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);

/** Looks at the machine (quick: a stat, `fc-list`, a PostgreSQL handshake byte, `sudo -n true` when needed). */
export async function probe(
  env: { get(name: string): string | undefined } = Deno.env,
): Promise<Probe> {
  const chromiumEnv = env.get("CHROMIUM_PATH");
  const chromiumPath = chromiumEnv ?? DEFAULT_CHROMIUM;
  const ci = Boolean(env.get("CI"));
  const skipPostgres = env.get("LENSLOOP_SKIP_POSTGRES") === "1";
  const { host, port } = serverOf(env.get("TEST_DATABASE_URL") ?? DEFAULT_TEST_DATABASE_URL);
  const local = LOCAL_HOSTS.has(host);
  const [cjkFonts, reachable] = await Promise.all([
    hasCjkFonts(env),
    skipPostgres && !ci ? Promise.resolve(null) : answers(host, port, 3000),
  ]);
  const chromiumPresent = isFile(chromiumPath);
  const root = Deno.uid() === 0;
  const poppler = onPath("pdftotext", env) && onPath("pdfinfo", env);
  const needsHands = !chromiumPresent || cjkFonts === false || !poppler || reachable === false;
  return {
    ci,
    skipPostgres,
    chromium: { path: chromiumPath, fromEnv: chromiumEnv !== undefined, present: chromiumPresent },
    cjkFonts,
    poppler,
    aptGet: onPath("apt-get", env),
    root,
    sudo: !root && needsHands && onPath("sudo", env) && (await succeeds(["sudo", "-n", "true"])).ok,
    postgres: {
      host,
      port,
      local,
      reachable,
      clusters: reachable === false && local ? debianClusters() : [],
      pgCtlcluster: onPath("pg_ctlcluster", env),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Doing it.

async function run(cmd: string[]): Promise<boolean> {
  console.log(`$ ${cmd.join(" ")}`);
  try {
    const status = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    return status.success;
  } catch (error) {
    console.error(String(error));
    return false;
  }
}

async function carryOut(step: Step, p: Probe): Promise<string | null> {
  if (step.kind === "install") {
    console.log(`Installing ${step.packages.join(" and ")} for the browser tests…`);
    for (const cmd of commands(step)) {
      if (!(await run(cmd))) {
        return `Installing ${step.packages.join(", ")} failed (see apt-get's message above). ` +
          `Fix that, or install them by hand: ${step.sudo ? "sudo " : ""}apt-get install -y ` +
          step.packages.join(" ");
      }
    }
    if (step.packages.includes("chromium") && !isFile(p.chromium.path)) {
      return `apt-get installed chromium but ${p.chromium.path} is still missing (on Ubuntu the ` +
        `package needs snap). Point CHROMIUM_PATH at a Chrome or Chromium binary.`;
    }
    return null;
  }
  const { host, port } = p.postgres;
  const cluster = `${step.version} ${step.name}`;
  console.log(`Starting PostgreSQL ${cluster} for the PostgreSQL tests…`);
  const started = await run(commands(step)[0]);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await answers(host, port, 1000)) return null;
    if (!started) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return `PostgreSQL ${cluster} did not start at ${host}:${port}` +
    `${started ? " within 30 s" : ""}. Look at /var/log/postgresql/postgresql-${step.version}-` +
    `${step.name}.log and start it by hand: sudo pg_ctlcluster ${cluster} start — ` +
    `${SKIP_POSTGRES_HINT}.`;
}

/** Prepares the machine; returns the exit code (0: the tests may run). */
export async function prepare(): Promise<number> {
  const found = await probe();
  const { steps, problems, notes } = decide(found);
  for (const step of steps) {
    const failure = await carryOut(step, found);
    if (failure) problems.push(failure);
  }
  for (const note of notes) console.log(`Note: ${note}`);
  if (problems.length === 0) return 0;
  console.error(
    [
      `The tests cannot run on this machine yet (${
        problems.length === 1 ? "one thing" : `${problems.length} things`
      } missing):`,
      ...problems.map((problem) => `  - ${problem}`),
    ].join("\n"),
  );
  return 1;
}

if (import.meta.main) Deno.exit(await prepare());
