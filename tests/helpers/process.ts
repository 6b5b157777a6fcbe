/** Runs `main.ts` as a child process, as `deno task start` does, for process-level tests. */
export interface Running {
  url: string;
  output: () => string;
  stop: (signal?: Deno.Signal) => Promise<{ code: number; output: string }>;
}

export async function start(env: Record<string, string>): Promise<Running> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: new URL("../..", import.meta.url),
    env: { PORT: "0", HOST: "127.0.0.1", RUST_BACKTRACE: "0", NO_COLOR: "1", ...env },
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  let url = "";
  while (!url) {
    const match = output.match(/is running at (http:\/\/[^\s/]+:\d+\/)/);
    if (match) url = match[1];
    else if (exited) {
      await pumps;
      throw new Error(`The app exited before serving:\n${output}`);
    } else if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not start within 60 s:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    output: () => output,
    async stop(signal: Deno.Signal = "SIGTERM") {
      child.kill(signal);
      const status = await child.status;
      await pumps;
      return { code: status.code, output };
    },
  };
}

/** The child inherits the environment; an outer DATABASE_URL must not leak into "embedded". */
export function withoutDatabaseUrl(): Record<string, string> {
  return Deno.env.get("DATABASE_URL") ? { DATABASE_URL: "" } : {};
}
