/**
 * The floor of the assignment benchmark: what any answer to
 * `GET /api/v1/experiments/:key/assignment` costs in Deno before any logic of ours. It reads what
 * every assignment must read (the URL and the `Authorization` header; the incoming
 * `X-Request-Id`) and answers an assignment-sized JSON body with the app's own SDK headers
 * (`plugins/sdk_headers.ts`: content type, CSP, nosniff, no-store) and a request id — no key check,
 * no lookup, no hash, no log. The bare reference (`bare_server.ts`) does none of this: its handler
 * takes no argument, so Deno does not even make a `Request` for it.
 */
import { sdkJsonText } from "../plugins/sdk_headers.ts";
import { REQUEST_ID_HEADER, requestId } from "../plugins/logger.ts";

const port = Number(Deno.env.get("PORT") ?? 18103);
Deno.serve(
  { port, hostname: "127.0.0.1", onListen: () => console.log(`listening on ${port}`) },
  (request) => {
    const url = request.url;
    if (request.headers.get("authorization") === null) return new Response(null, { status: 401 });
    const unit = url.slice(url.indexOf("unit=") + 5);
    const response = sdkJsonText(
      `{"experiment":"welcome-sms","unit":"${unit}","variant":"control","inExperiment":true,` +
        `"reason":"assigned","hashVersion":2}`,
    );
    response.headers.set(REQUEST_ID_HEADER, requestId(request.headers.get(REQUEST_ID_HEADER)));
    return response;
  },
);
