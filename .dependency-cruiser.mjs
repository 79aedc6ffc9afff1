/**
 * Architecture rules, checked by `npm test` (npm run deps) with dependency-cruiser. DESIGN.md's
 * layout rules: no import cycles (type-only imports count: a cycle of types is a cycle of
 * concepts); `shared/` runs on both sides, so it imports neither Node's nor Fastly's modules nor
 * `edge/` or `origin/`; `edge/` and `origin/` never import each other (scripts/ and test/ may
 * import both).
 */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: move what both sides need into a module of its own (see origin/context.ts, edge/env.ts).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-portable',
      comment: 'shared/ is imported by the Fastly worker and by Node: no node:* (or bare core) modules, no fastly:*, no edge/ or origin/ — not even their types.',
      severity: 'error',
      // Its unit tests run on Node only (they compare with node:crypto, and with edge/ and origin/ users).
      from: { path: '^shared/', pathNot: '[.]test[.]ts$' },
      to: { pathNot: '^(shared/|node_modules/)' },
    },
    {
      name: 'edge-not-origin',
      comment: 'The edge and the origin talk over HTTP only; what both need lives in shared/.',
      severity: 'error',
      from: { path: '^edge/' },
      to: { path: '^origin/' },
    },
    {
      name: 'origin-not-edge',
      comment: 'The edge and the origin talk over HTTP only; what both need lives in shared/.',
      severity: 'error',
      from: { path: '^origin/' },
      to: { path: '^edge/' },
    },
    {
      name: 'edge-middleware-public-modules',
      comment: "An edge middleware's public modules are its index.ts (the handler and its pure decisions) and config.ts (its settings); its other files are its own (the hit fast path calls the decisions, never the internals).",
      severity: 'error',
      from: { path: '^edge/', pathNot: '^edge/middleware/([^/]+)/' },
      to: { path: '^edge/middleware/[^/]+/', pathNot: '^edge/middleware/[^/]+/(index|config)[.]ts$' },
    },
    {
      name: 'edge-middleware-no-sideways',
      comment: 'A middleware does not reach into another middleware\'s internals either.',
      severity: 'error',
      from: { path: '^edge/middleware/([^/]+)/' },
      to: { path: '^edge/middleware/[^/]+/', pathNot: '^edge/middleware/($1/|[^/]+/(index|config)[.]ts$)' },
    },
    {
      name: 'origin-domain-public-modules',
      comment: "Outside a domain (origin/app.ts, main.ts, http/, db/, cli/, jobs/ …) a domain is used through its public modules only: index.ts (its services) and routes.ts (its HTTP surface, for the app).",
      severity: 'error',
      from: { path: '^origin/', pathNot: '^origin/(content|identity|audit|outbox|ops|governance|billing|importer)/|[.]test[.]ts$' },
      to: { path: '^origin/(content|identity|audit|outbox|ops|governance|billing|importer)/', pathNot: '^origin/(content|identity|audit|outbox|ops|governance|billing|importer)/(index|routes)[.]ts$' },
    },
    {
      name: 'origin-domain-no-reaching-in',
      comment: "A domain uses another domain through that domain's index.ts or routes.ts, never its internals (unit tests beside the code may).",
      severity: 'error',
      from: { path: '^origin/(content|identity|audit|outbox|ops|governance|billing|importer)/', pathNot: '[.]test[.]ts$' },
      to: { path: '^origin/(content|identity|audit|outbox|ops|governance|billing|importer)/', pathNot: '^origin/($1/|(content|identity|audit|outbox|ops|governance|billing|importer)/(index|routes)[.]ts$)' },
    },
    {
      name: 'fastly-only-in-workers',
      comment: 'fastly:* modules exist only in a Compute worker: the edge and the benchmark workers beside it.',
      severity: 'error',
      from: { pathNot: '^(edge/|bench/viceroy-floor-(worker|core|behaviours)[.]ts$)' },
      to: { path: '^fastly:' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^fastly:' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|bin|pkg|data|dist)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
