/**
 * `deno task reset-password <email> [--password-stdin]`: gives a user a new password from the
 * command line, for when the password the first start printed once is lost.
 *
 * Works on the database the app would open (`DATABASE_URL`, else the embedded one under
 * `DATA_DIR`). Without `--password-stdin` a random password is printed once; with it the password
 * is read from standard input (one line; a trailing newline is dropped). The user's sessions are
 * signed out and the audit log records `user.update` by `cli:<system user>`. An unknown email
 * changes nothing and exits 1. The embedded database must not be open in a running app.
 */
import { databaseKind, openDatabase } from "../db/client.ts";
import { resetPassword } from "../db/users.ts";
import { readConfig } from "../fresh.config.ts";
import {
  hashPassword,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  randomToken,
} from "../lib/security/password.ts";
import { printable, textProblem } from "../lib/text.ts";

const USAGE = "Usage: deno task reset-password <email> [--password-stdin]\n" +
  "  Sets a new password for the user with that email and prints it once; with\n" +
  "  --password-stdin the password is read from standard input instead. Uses DATABASE_URL,\n" +
  "  or the embedded database under DATA_DIR (default ./data) with the app stopped.";

class Refusal extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

const PROBLEMS: Record<string, string> = {
  TOO_SHORT: `is shorter than ${PASSWORD_MIN_LENGTH} characters`,
  TOO_LONG: "is longer than 256 characters",
  TOO_SIMPLE: "has fewer than 5 different characters",
};

function parseArgs(args: string[]): { email: string; fromStdin: boolean } {
  let email: string | undefined;
  let fromStdin = false;
  for (const arg of args) {
    if (arg === "--password-stdin") fromStdin = true;
    else if (arg === "-h" || arg === "--help") throw new Refusal(USAGE, 0);
    else if (arg.startsWith("-")) throw new Refusal(`Unknown option ${arg}.\n${USAGE}`, 2);
    else if (email === undefined) email = arg;
    else throw new Refusal(`One email at a time.\n${USAGE}`, 2);
  }
  if (!email?.trim()) throw new Refusal(`Which user? Give their email.\n${USAGE}`, 2);
  if (textProblem(email)) {
    throw new Refusal(`No user has the email "${printable(email)}" (it cannot be stored).`);
  }
  return { email: email.trim(), fromStdin };
}

async function readPassword(): Promise<string> {
  const text = await new Response(Deno.stdin.readable).text();
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new Refusal("No password on standard input.");
  if (password.includes("\n")) {
    throw new Refusal("The password on standard input must be one line.");
  }
  if (textProblem(password)) {
    throw new Refusal(
      "The password contains a character that cannot be stored (NUL or a lone " +
        "surrogate).",
    );
  }
  const problem = passwordProblem(password);
  if (problem) throw new Refusal(`The password ${PROBLEMS[problem] ?? problem}.`);
  return password;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Where the app's database is, in words, after refusing the places that cannot work. */
function describeDatabase(url: string | undefined, dataDir: string): string {
  let kind;
  try {
    kind = databaseKind(url);
  } catch (error) {
    throw new Refusal(error instanceof Error ? error.message : String(error));
  }
  if (kind === "pglite-memory") {
    throw new Refusal(
      "DATABASE_URL=memory:// keeps nothing between runs: there is no user to " +
        "reset. Set DATABASE_URL to the app's server, or unset it for the embedded database.",
    );
  }
  if (kind === "postgres") {
    const parsed = new URL(url!);
    return `the PostgreSQL database ${parsed.host}${parsed.pathname} (DATABASE_URL)`;
  }
  if (!exists(`${dataDir}/PG_VERSION`)) {
    throw new Refusal(
      `There is no Lensloop database in ${dataDir}: start the app once ` +
        "(deno task start), or set DATA_DIR or DATABASE_URL to where its data is.",
    );
  }
  if (exists(`${dataDir}/postmaster.pid`)) {
    throw new Refusal(
      `The embedded database in ${dataDir} is open (postmaster.pid exists): ` +
        "stop the app first (Ctrl-C or SIGTERM); two processes must not open it at once. If no " +
        "app runs on it (it was killed), start and stop it once, then try again.",
    );
  }
  return `the embedded database in ${dataDir}`;
}

function systemUser(): string {
  return Deno.env.get("USER") || Deno.env.get("LOGNAME") || Deno.env.get("USERNAME") ||
    `uid ${Deno.uid() ?? "?"}`;
}

async function main(args: string[]): Promise<number> {
  const { email, fromStdin } = parseArgs(args);
  const config = readConfig();
  const where = describeDatabase(config.databaseUrl, config.dataDir);
  const generated = fromStdin ? undefined : randomToken(12);
  const password = generated ?? await readPassword();
  const passwordHash = await hashPassword(password);

  const database = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
  try {
    const result = await resetPassword(database.db, `cli:${systemUser()}`, {
      email,
      passwordHash,
      now: new Date(),
    }).catch((error) => {
      if ((error as { code?: string }).code === "42P01") {
        throw new Refusal(
          `${where} has no Lensloop tables: start the app once (deno task ` +
            "start) or run deno task migrate.",
        );
      }
      throw new Refusal(`Cannot use ${where}: ${error instanceof Error ? error.message : error}`);
    });
    if (!result) {
      throw new Refusal(
        `No user has the email "${printable(email)}" in ${where}. Nothing was ` +
          "changed. Check the spelling, DATA_DIR and DATABASE_URL.",
      );
    }
    const { user, sessionsRevoked } = result;
    const lines = generated
      ? [`New password for ${user.email} (shown once): ${generated}`]
      : [`Password for ${user.email} set.`];
    if (sessionsRevoked) lines.push(`Signed out of ${sessionsRevoked} open session(s).`);
    if (user.disabled) {
      lines.push("This account is disabled: an administrator enables it under /admin/users.");
    }
    console.log(lines.join("\n"));
    return 0;
  } finally {
    await database.close();
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    (error.code === 0 ? console.log : console.error)(error.message);
    Deno.exit(error.code);
  }
}
