/**
 * Bundles the SDK (`sdk/lensloop.ts` with the assignment rule and local evaluation inlined) into one ES module,
 * `static/build/sdk/lensloop.js`, served at `/sdk/lensloop.js`. The first line records the
 * hash of the sources, so a stale bundle is rebuilt; the file is written beside and renamed
 * into place, so a reader never sees half of it.
 */
import { join } from "node:path";
import { sha256Hex } from "../lib/security/hash.ts";

const ROOT = join(import.meta.dirname!, "..");
/** The entry first, then every module it bundles (their hash says when to rebuild). */
const SOURCES = [
  "sdk/lensloop.ts",
  "lib/experiments/assignment.ts",
  "lib/experiments/local_evaluation.ts",
  "lib/experiments/bucket_prefix.ts",
  "lib/experiments/eligibility.ts",
  "lib/experiments/settings.ts",
  "lib/governance/decide.ts",
  "lib/governance/policy.ts",
];
export const SDK_BUNDLE_PATH = join(ROOT, "static", "build", "sdk", "lensloop.js");

async function sourceHash(): Promise<string> {
  const parts = await Promise.all(SOURCES.map((f) => Deno.readTextFile(join(ROOT, f))));
  const bytes = new TextEncoder().encode(parts.join("\u0000"));
  return sha256Hex(bytes).slice(0, 12);
}

/** Builds the bundle; returns its text. */
export async function buildSdk(): Promise<string> {
  const hash = await sourceHash();
  const tmp = `${SDK_BUNDLE_PATH}.${crypto.randomUUID()}.tmp`;
  await Deno.mkdir(join(SDK_BUNDLE_PATH, ".."), { recursive: true });
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", tmp, SOURCES[0]],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
  const text = `// lensloop sdk ${hash}\n${await Deno.readTextFile(tmp)}`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, SDK_BUNDLE_PATH);
  return text;
}

/** The bundle's text, rebuilt first when missing or older than the sources. */
export async function ensureSdkBuilt(): Promise<string> {
  const [existing, hash] = await Promise.all([
    Deno.readTextFile(SDK_BUNDLE_PATH).catch(() => null),
    sourceHash(),
  ]);
  if (existing?.startsWith(`// lensloop sdk ${hash}\n`)) return existing;
  return await buildSdk();
}

if (import.meta.main) {
  await buildSdk();
  console.log(`Built the SDK into ${SDK_BUNDLE_PATH}`);
}
