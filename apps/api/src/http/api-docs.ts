// GET /api/openapi.json (the REST API's OpenAPI 3.1 document) and GET /api/docs (Scalar's
// interactive reference over it). Both are public: they describe the API, they grant nothing, and
// "Try it" sends whatever Bearer key the reader pastes. Scalar's prebuilt standalone bundle is
// served from this server (no CDN: the CSP allows only same-origin scripts, and an offline
// deployment must still show its own reference), with its fonts off for the same reason.
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "../rest/openapi.js";
import { sendJson } from "./send-json.js";

export const OPENAPI_PATH = "/api/openapi.json";
export const DOCS_PATH = "/api/docs";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sessions API reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${DOCS_PATH}/scalar.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

// A file of its own, not an inline script: the CSP runs same-origin scripts only.
const INIT = `Scalar.createApiReference("#app", {
  url: ${JSON.stringify(OPENAPI_PATH)},
  withDefaultFonts: false,
  authentication: { preferredSecurityScheme: "bearer" },
});
`;

export function createApiDocs() {
  let documentText: string | null = null;
  let bundle: Promise<Buffer> | null = null;
  const scalarBundle = () =>
    (bundle ??= readFile(
      fileURLToPath(new URL("./browser/standalone.js", import.meta.resolve("@scalar/api-reference"))),
    ));

  const send = (res: ServerResponse, type: string, body: string | Buffer, cache: string) => {
    res.statusCode = 200;
    res.setHeader("Content-Type", type);
    res.setHeader("Cache-Control", cache);
    res.end(body);
  };

  /** True when it answered (the path is one of the docs'). */
  return async function serveDocs(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<boolean> {
    const known =
      pathname === OPENAPI_PATH ||
      pathname === DOCS_PATH ||
      pathname === `${DOCS_PATH}/` ||
      pathname === `${DOCS_PATH}/scalar.js` ||
      pathname === `${DOCS_PATH}/init.js`;
    if (!known) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      sendJson(res, 405, { error: "Use GET." });
      return true;
    }
    if (pathname === OPENAPI_PATH) {
      documentText ??= JSON.stringify(buildOpenApiDocument(), null, 2);
      send(res, "application/json; charset=utf-8", documentText, "no-cache");
    } else if (pathname === `${DOCS_PATH}/scalar.js`) {
      send(res, "text/javascript; charset=utf-8", await scalarBundle(), "public, max-age=86400");
    } else if (pathname === `${DOCS_PATH}/init.js`) {
      send(res, "text/javascript; charset=utf-8", INIT, "no-cache");
    } else {
      send(res, "text/html; charset=utf-8", PAGE, "no-cache");
    }
    return true;
  };
}
