// compression 1.8 (expressjs), used as plain node:http middleware. Declared here with node's own
// types: @types/compression types it over Express' request and response and pulls Express in.
declare module "compression" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface CompressionOptions {
    /** Whether to compress this response; called when its headers are written. */
    filter?: (req: IncomingMessage, res: ServerResponse) => boolean;
    /** Smallest body worth compressing, in bytes (default 1024). */
    threshold?: number;
  }
  type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  interface Compression {
    (options?: CompressionOptions): Middleware;
    /** The default filter: compressible content types, and not `Cache-Control: no-transform`. */
    filter: (req: IncomingMessage, res: ServerResponse) => boolean;
  }
  const compression: Compression;
  export default compression;
}
