// A minimal fetch over node:http with a keep-alive agent, for the HTTP load generator. The load
// runs on the same two cores as the API: Node's WHATWG fetch (undici) costs several hundred µs of
// CPU per call here, which would measure the load generator rather than the API. The typed client
// still does everything else (tRPC batch link, superjson); it only needs `json()` of the response.
import { Agent, request, type OutgoingHttpHeaders } from "node:http";

export function createKeepAliveFetch(maxSockets: number): typeof globalThis.fetch {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const keepAliveFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? "GET", headers: init.headers as OutgoingHttpHeaders, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300,
              status,
              json: async () => JSON.parse(text) as unknown,
              text: async () => text,
            } as Response);
          });
        },
      );
      req.on("error", reject);
      req.end(typeof init.body === "string" ? init.body : undefined);
    });
  };
  return keepAliveFetch;
}
