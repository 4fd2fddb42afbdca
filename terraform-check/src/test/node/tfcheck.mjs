// The npm half of terraform-check's static checks. The Java tests run it (node tfcheck.mjs <command> ...) and
// assert on the JSON it prints; nothing here decides pass or fail. Every tool is pinned in ../../../package-lock.json.
//
//   hcl2json <dir>               every <dir>/*.tf converted by @cdktf/hcl2json: {"<file>": <json>, ...}
//   schema <kind:type> ...       the AWS provider's schema of each resource/data source/provider block, read from
//                                @cdktf/provider-aws's jsii manifest (.jsii); null for a type it does not have
//   asl <file> ...               per file, asl-validator's verdict on a rendered ASL definition, and every
//                                "{% ... %}" JSONata expression in it parsed by jsonata (the version AWS documents):
//                                {"<file>": {...}, ...}
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);

async function hcl2json(dir) {
  const { parse } = require("@cdktf/hcl2json");
  const out = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".tf")).sort()) {
    out[name] = await parse(name, readFileSync(join(dir, name), "utf8"));
  }
  return out;
}

// --- the provider schema -------------------------------------------------------------------------------------
//
// @cdktf/provider-aws is generated from the provider's own schema (`terraform providers schema -json` of
// hashicorp/aws at the version its README names). Its jsii manifest lists, per resource, a <Name>Config
// interface whose properties are the resource's arguments and nested blocks, each with `optional` (absent:
// required) and a doc link whose anchor is the argument's Terraform name
// ("https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/s3_bucket#bucket_prefix").
// A property documented as a block whose type is a struct (or a list/set of structs) is a nested block; its
// struct is read the same way.

const LINK = /registry\.terraform\.io\/providers\/hashicorp\/aws\/([^/]+)\/docs(?:\/(resources|data-sources)\/([a-z0-9_]+))?#([a-z0-9_]+)/;

function loadJsii() {
  const path = require.resolve("@cdktf/provider-aws/.jsii");
  return JSON.parse(readFileSync(path, "utf8"));
}

function linkOf(prop) {
  const text = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
  return LINK.exec(text);
}

function structOf(type) {
  if (!type) return null;
  if (type.fqn) return type.fqn;
  if (type.collection) return structOf(type.collection.elementtype);
  if (type.union) {
    for (const t of type.union.types) {
      const s = structOf(t);
      if (s && s !== "cdktf.IResolvable") return s;
    }
  }
  return null;
}

function blockSchema(types, fqn, seen = new Set()) {
  const type = types[fqn];
  const schema = { arguments: {}, blocks: {} };
  if (!type || seen.has(fqn)) return schema;
  seen.add(fqn);
  for (const prop of type.properties ?? []) {
    // The doc link's anchor is the Terraform name; a few provider arguments have a description instead of a
    // link, and their name is the property's in snake_case (cdktf's rule).
    const link = linkOf(prop);
    const name = link ? link[4] : prop.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const required = !prop.optional;
    // A nested block's summary is "<name> block."; a struct-typed property without it is a nested *attribute*
    // (object-typed argument, written `name = { ... }`), checked as an argument.
    const struct = structOf(prop.type);
    if (struct && types[struct]?.datatype && /block\.$/.test(prop.docs?.summary ?? "")) {
      schema.blocks[name] = { required, ...blockSchema(types, struct, new Set(seen)) };
    } else {
      schema.arguments[name] = { required };
    }
  }
  return schema;
}

function schema(requests) {
  const jsii = loadJsii();
  const types = jsii.types;
  // Index every resource's and data source's config (the structs that take Terraform's meta-arguments) by the
  // Terraform type its doc links name; the provider block's is AwsProviderConfig.
  const index = {};
  let providerVersion = null;
  for (const [fqn, type] of Object.entries(types)) {
    const provider = fqn === "@cdktf/provider-aws.provider.AwsProviderConfig";
    if (!type.datatype || !(provider || (type.interfaces ?? []).includes("cdktf.TerraformMetaArguments"))) continue;
    for (const prop of type.properties ?? []) {
      const link = linkOf(prop);
      if (!link || (!provider && !link[2])) continue;
      providerVersion = link[1];
      const kind = provider ? "provider" : link[2] === "resources" ? "resource" : "data";
      const key = provider ? "provider:aws" : `${kind}:aws_${link[3]}`;
      if (index[key] && index[key] !== fqn) throw new Error(`${key}: both ${index[key]} and ${fqn}`);
      index[key] = fqn;
      break;
    }
  }
  const out = { package: `@cdktf/provider-aws@${jsii.version}`, providerVersion, types: {} };
  for (const request of requests) {
    const fqn = index[request];
    out.types[request] = fqn ? { config: fqn, ...blockSchema(types, fqn) } : null;
  }
  return out;
}

// --- the state machine ---------------------------------------------------------------------------------------

function expressions(value, path, found) {
  if (typeof value === "string") {
    const m = /^\{%([\s\S]*)%\}$/.exec(value);
    if (m) found.push({ path, expression: m[1] });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expressions(v, `${path}[${i}]`, found));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) expressions(v, `${path}.${k}`, found);
  }
}

function asl(file) {
  let definition;
  try {
    definition = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { valid: false, errors: [`not JSON: ${e.message}`], expressions: [] };
  }
  const validate = require("asl-validator");
  const { isValid, errors } = validate(definition);
  const jsonata = require("jsonata");
  const found = [];
  expressions(definition, "$", found);
  const parsed = found.map(({ path, expression }) => {
    try {
      jsonata(expression);
      return { path, expression, error: null };
    } catch (e) {
      return { path, expression, error: `${e.code ?? ""} ${e.message} (position ${e.position})`.trim() };
    }
  });
  return {
    aslValidator: require("asl-validator/package.json").version,
    jsonata: require("jsonata/package.json").version,
    valid: isValid,
    errors: (errors ?? []).map((e) => `${e["Error code"] ?? ""}: ${e.Message ?? JSON.stringify(e)}`),
    expressions: parsed,
  };
}

const [command, ...args] = process.argv.slice(2);
let result;
if (command === "hcl2json") result = await hcl2json(args[0]);
else if (command === "schema") result = schema(args);
else if (command === "asl") result = Object.fromEntries(args.map((file) => [file, asl(file)]));
else {
  console.error("usage: tfcheck.mjs hcl2json <dir> | schema <kind:type>... | asl <file>...");
  process.exit(2);
}
process.stdout.write(JSON.stringify(result));
