/**
 * The bare server in steps towards an assignment answer (`bench/README.md`, "The floor"):
 * `MODE=zero` (the reference: a handler without argument), `arg` (takes the request, reads
 * nothing), `read` (reads the URL and the Authorization header), `headers` (+ an assignment-sized
 * body with the four SDK headers), `id` (+ an `X-Request-Id`). Run one per port and compare the
 * server CPU per request under the same `wrk` (as `bench/run.ts` measures it).
 */
import { SDK_HEADERS } from "../plugins/sdk_headers.ts";

const port = Number(Deno.env.get("PORT") ?? 18110);
const mode = Deno.env.get("MODE") ?? "zero";
const BODY = `{"experiment":"welcome-sms","unit":"C1234","variant":"coupon","inExperiment":true,` +
  `"reason":"assigned","hashVersion":2}`;
const listen = { port, hostname: "127.0.0.1", onListen: () => console.log(`listening on ${port}`) };
let made = 0;

if (mode === "zero") Deno.serve(listen, () => Response.json({ status: "ok" }));
else {
  Deno.serve(listen, (request) => {
    if (mode === "arg") return Response.json({ status: "ok" });
    request.url;
    request.headers.get("authorization");
    if (mode === "read") return Response.json({ status: "ok" });
    const response = new Response(BODY);
    for (const [name, value] of SDK_HEADERS) response.headers.set(name, value);
    if (mode === "id") response.headers.set("x-request-id", `bench-${++made}`);
    return response;
  });
}
