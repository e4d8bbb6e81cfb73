// negotiator 1.0 (jshttp, what Express uses to read Accept-* headers). Only what the API calls is
// declared: @types/negotiator describes 0.6, which has no `preferred` option, and without it a
// tie (`Accept-Encoding: gzip, br`, both q=1) goes to the client's first, not the smaller brotli.
declare module "negotiator" {
  import type { IncomingHttpHeaders } from "node:http";

  export default class Negotiator {
    constructor(request: { headers: IncomingHttpHeaders });
    /** The best of `available` the client accepts, ties broken by `preferred`; undefined if none. */
    encoding(available: string[], options?: { preferred?: string[] }): string | undefined;
  }
}
