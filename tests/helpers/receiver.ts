/** A local HTTP receiver on loopback (port 0) that records what it is sent, for notification tests. */
export interface Received {
  path: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  base: string;
  received: Received[];
  /** The next answers' status and body (default 200 and a success answer for every kind). */
  answer: (path: string) => { status: number; body: string };
  close(): Promise<void>;
}

export function startReceiver(): Promise<Receiver> {
  return new Promise((resolve) => {
    const receiver: Receiver = {
      base: "",
      received: [],
      answer: () => ({ status: 200, body: '{"errcode":0,"errmsg":"ok","code":0}' }),
      close: async () => {},
    };
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        receiver.base = `http://127.0.0.1:${port}`;
        resolve(receiver);
      },
    }, async (request) => {
      const url = new URL(request.url);
      receiver.received.push({
        path: url.pathname,
        url,
        headers: request.headers,
        body: await request.text(),
      });
      const { status, body } = receiver.answer(url.pathname);
      return new Response(body, { status, headers: { "content-type": "application/json" } });
    });
    receiver.close = () => server.shutdown();
  });
}
