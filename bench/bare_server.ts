// The reference: the least a Deno HTTP server can do, answering the same JSON as /healthz.
const port = Number(Deno.env.get("PORT") ?? 18101);
Deno.serve(
  { port, hostname: "127.0.0.1", onListen: () => console.log(`listening on ${port}`) },
  () => Response.json({ status: "ok" }),
);
