#!/usr/bin/env node
// Validates an AsyncAPI document with the AsyncAPI Initiative's own parser
// (@asyncapi/parser: the specification's JSON Schemas plus its Spectral rules).
//
//   node tools/asyncapi-validate.mjs path/to/asyncapi.json
//
// Prints the diagnostics as one JSON array on stdout, each
// {severity, code, message, path}; exits 1 when any has severity "error"
// (or the document could not be parsed at all), 2 on a usage error.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Parser, DiagnosticSeverity } = require("@asyncapi/parser");

const SEVERITY = {
  [DiagnosticSeverity.Error]: "error",
  [DiagnosticSeverity.Warning]: "warning",
  [DiagnosticSeverity.Information]: "information",
  [DiagnosticSeverity.Hint]: "hint",
};

const [path] = process.argv.slice(2);
if (!path) {
  process.stderr.write("usage: node tools/asyncapi-validate.mjs <document.json>\n");
  process.exit(2);
}

const source = await readFile(path, "utf8");
const { document, diagnostics } = await new Parser().parse(source, { source: path });
const found = diagnostics.map((d) => ({
  severity: SEVERITY[d.severity] ?? String(d.severity),
  code: String(d.code),
  message: d.message,
  path: d.path.join("/"),
}));
process.stdout.write(JSON.stringify(found, null, 1) + "\n");
process.exit(document === undefined || found.some((d) => d.severity === "error") ? 1 : 0);
