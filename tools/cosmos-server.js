#!/usr/bin/env node
// The Cosmos DB protocol server for local runs and integration tests:
// @vercel/cosmosdb-server over HTTPS (its self-signed certificate) on a chosen
// host and port, printing "Ready ... <host>:<port>" once it listens. Connections
// are kept alive (the package closes each one by default: a TLS handshake per call).
//
//   node tools/cosmos-server.js --port 8081 [--host 127.0.0.1]
//                               [--throttle-reads N --retry-after-ms MS]
//
// --throttle-reads answers the first N point reads of documents with 429 and
// x-ms-retry-after-ms, as Cosmos DB does when a request exceeds the
// provisioned or serverless rate: the SDK's own throttle retry is tested on it.
//
// One correction to the package (1.0.1): a point read of a missing document
// crashes its handler (HTTP 500) instead of answering 404 as Cosmos DB does,
// so reads of missing documents are answered here before that handler runs.
"use strict";

const readDocumentHandler = require("@vercel/cosmosdb-server/lib/handler/read-document");
const { readOperation } = require("@vercel/cosmosdb-server/lib/handler/_document-operations");
const {
  default: partitionFromHeader,
} = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

const packagedReadDocument = readDocumentHandler.default;
readDocumentHandler.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  if (collection.read()) {
    const missing = readOperation(collection, { partitionKey: partitionFromHeader(req), id: params.docId });
    if (missing.statusCode === 404) {
      res.statusCode = 404;
      return missing.body;
    }
  }
  return packagedReadDocument(account, req, res, params);
};

// Loaded after the correction: its routes capture the handlers when first required.
const { createHttpsServer } = require("@vercel/cosmosdb-server");

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const port = Number.parseInt(option("--port", "8081"), 10);
const host = option("--host", "127.0.0.1");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`cosmos-server: --port must be 0-65535, got ${option("--port")}`);
  process.exit(2);
}

let throttledLeft = Number.parseInt(option("--throttle-reads", "0"), 10);
const retryAfterMs = option("--retry-after-ms", "100");
const POINT_READ = /^\/dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/]+\/?$/;

const server = createHttpsServer({ keepAlive: true });
const handlers = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (throttledLeft > 0 && req.method === "GET" && POINT_READ.test(req.url.split("?")[0])) {
    throttledLeft -= 1;
    res.writeHead(429, { "content-type": "application/json", "x-ms-retry-after-ms": retryAfterMs,
                         "x-ms-substatus": "3200" });
    res.end(JSON.stringify({ code: "TooManyRequests", message: "Request rate is large" }));
    return;
  }
  for (const handler of handlers) handler.call(server, req, res);
});
server.listen(port, host, () => {
  const address = server.address();
  console.log(`Ready to accept HTTPS connections at ${host}:${address.port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
