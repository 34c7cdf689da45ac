import { builtinModules } from "node:module";
import path from "node:path";

// The room rules of DESIGN.md ("Layout"), as one ESLint rule so they hold without anyone
// remembering them:
//   1. Imports point one way: routes -> admin screens -> domains -> shopify, db, jobs.
//      Pure modules (below) are leaves: any room may import them.
//   2. Production code (app/, workers/) never imports test helpers, tests/, emulator/ or
//      simulator/.
//   3. Pure modules import no database, queue, Shopify, OpenAI, `node:*` or server module.
// Paths are repository-relative with forward slashes; `~/` is app/, `~tests/` is tests/.

/** What each room may import (besides pure modules, which any room may). */
const MAY_IMPORT = {
  routes: ["routes", "admin", "domain", "platform", "shell"],
  admin: ["admin", "domain", "platform", "shell"],
  workers: ["workers", "domain", "platform", "shell"],
  domain: ["domain", "platform", "shell"],
  platform: ["platform", "shell"],
};
const PLATFORM_FILES = [
  "app/db.server",
  "app/env.server",
  "app/logger.server",
  "app/redis.server",
  "app/server-settings.server",
];
/** The app's shell wires rooms together (the one shopifyApp call, the document): no layer. */
const SHELL_FILES = ["app/shopify.server", "app/entry.server", "app/root", "app/routes"];

const stem = (file) => file.replace(/\.(tsx?|jsx?|mjs)$/, "");

/** The room of a repository path (with or without extension), for the one-way rule; null outside it. */
export function roomOf(file) {
  if (!file.startsWith("app/")) return file.startsWith("workers/") ? "workers" : null;
  if (SHELL_FILES.includes(stem(file))) return "shell";
  if (PLATFORM_FILES.includes(stem(file))) return "platform";
  const folder = file.split("/")[1];
  if (folder === "routes") return "routes";
  if (folder === "admin") return "admin";
  if (["shopify", "db", "jobs", "generated"].includes(folder)) return "platform";
  return "domain";
}

/** Tests and their helpers: exempt from rules 1 and 2, and never imported by production code. */
export function isTestCode(file) {
  const base = path.posix.basename(file);
  return (
    file.startsWith("tests/") ||
    /\.test\.[jt]sx?$/.test(base) ||
    /(^|[.-])testing([.-]|$)/.test(stem(base)) ||
    /(^|[.-])fixtures?([.-]|$)/.test(stem(base)) ||
    stem(base).startsWith("test-world")
  );
}

const SIMULATOR_CORE = /^simulator\/(random|model|catalog|customers|behaviour|truth|scenario)\//;

/** Pure rules, statistics and models: plain data in, plain data out. */
export function isPure(file) {
  if (isTestCode(file) || /\.server\.[jt]sx?$/.test(file)) return false;
  if (/^app\/loyalty\/[^/]+\.tsx?$/.test(file)) return true; // the rules; services live in loyalty/services/
  if (/^app\/(mirror|experiments|intelligence|migration|ingest\/imports|campaigns)\//.test(file)) return true;
  if (file === "simulator/scenario/load.ts") return false; // reads the scenario file
  return SIMULATOR_CORE.test(file) || file === "simulator/shop.ts" || file === "simulator/sim.ts";
}

const NODE_BUILTINS = new Set(builtinModules);
const IMPURE_PACKAGES = [
  /^pg(-|\/|$)/,
  /^@prisma\//,
  /^prisma$/,
  /^bullmq$/,
  /^ioredis$/,
  /^@shopify\//,
  /^openai(\/|$)/,
];

/** Why a pure module may not import `spec` (`target`: its repository path, if any), or null. */
function impurity(spec, target) {
  if (spec.startsWith("node:") || NODE_BUILTINS.has(spec.split("/")[0])) return "Node's built-ins";
  if (IMPURE_PACKAGES.some((pattern) => pattern.test(spec))) return `"${spec}"`;
  if (target && (/\.server$/.test(target) || target.includes("/generated/prisma"))) return "server modules";
  return null;
}

/** Repository-relative target of an import, or null for a package. */
function resolve(spec, file) {
  if (spec.startsWith("~/")) return "app/" + spec.slice(2);
  if (spec.startsWith("~tests/")) return "tests/" + spec.slice(7);
  if (spec.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  return null;
}

const rule = {
  meta: {
    type: "problem",
    docs: {
      description: "Rooms import one way; production code imports no test helpers; pure code stays pure.",
    },
    schema: [
      {
        type: "object",
        properties: {
          /** "importer -> target" pairs (target without extension) that wait for a known change. */
          allow: { type: "array", items: { type: "string" } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "{{from}} ({{fromRoom}}) must not import {{to}} ({{toRoom}}): imports point routes -> admin -> domains -> shopify/db/jobs.",
      testHelper:
        "Production code must not import {{to}}: tests, test helpers, emulator/ and simulator/ stay out of app/ and workers/.",
      impure:
        "{{from}} is pure (rules, statistics, models): it may not import {{what}}. Take plain data instead.",
    },
  },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join("/");
    const allow = new Set(context.options[0]?.allow ?? []);
    const fromRoom = roomOf(file);
    const production = (file.startsWith("app/") || file.startsWith("workers/")) && !isTestCode(file);
    const pure = isPure(file);
    if (!fromRoom && !pure) return {};

    function check(node) {
      const spec = node.source?.value;
      if (typeof spec !== "string") return;
      const target = resolve(spec, file);
      if (pure) {
        const what = impurity(spec, target && stem(target));
        if (what) context.report({ node: node.source, messageId: "impure", data: { from: file, what } });
      }
      if (!target || allow.has(`${file} -> ${stem(target)}`)) return;
      if (production && (isTestCode(target) || /^(emulator|simulator)\//.test(target))) {
        context.report({ node: node.source, messageId: "testHelper", data: { to: target } });
        return;
      }
      if (!production || isPure(target) || isPure(target + ".ts")) return;
      const toRoom = roomOf(target);
      const allowed = MAY_IMPORT[fromRoom];
      if (allowed && toRoom && !allowed.includes(toRoom)) {
        context.report({
          node: node.source,
          messageId: "upward",
          data: { from: file, fromRoom, to: target, toRoom },
        });
      }
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { imports: rule } };
