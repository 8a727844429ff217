// Import rules checked by `npm run check` (dependency-cruiser): no import cycles, and the layers
// point inwards. Run it by hand with `npx depcruise --config .dependency-cruiser.cjs src properties
// invariants test benchmarks examples`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'Import cycles make module init order fragile and blur the pure-core / I/O-edge boundary. ' +
        'A cycle closed only by type imports is erased at compile time and allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-is-inner',
      comment:
        'src/core is the domain-free engine: it imports nothing from a domain pack, the reference exchange or the CLI (type imports included).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(domains|exchange|feeds-proxy|cli)|invariants|properties)/' },
    },
    {
      name: 'domains-below-cli',
      comment: 'A domain pack is used by the CLI, never the other way round (type imports included).',
      severity: 'error',
      from: { path: '^src/domains/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-reaches-domains-through-the-registry',
      comment:
        'The CLI and the Vitest entry name no domain: every pack comes from src/domains/registry.ts (by name or module path), and no reference system is reached directly (type imports included).',
      severity: 'error',
      from: { path: '^src/(cli|vitest)/' },
      to: {
        path: '^src/(domains|exchange|feeds-proxy)/',
        pathNot: '^src/domains/registry\\.ts$',
      },
    },
    {
      name: 'domains-use-reference-systems-by-their-entry',
      comment:
        "A domain builds its reference system (the exchange) through that system's public entry, never its internals; the protocol types belong to the domain (src/domains/trading/protocol).",
      severity: 'error',
      from: { path: '^src/domains/' },
      to: { path: '^src/(exchange|feeds-proxy)/', pathNot: '^src/(exchange|feeds-proxy)/index\\.ts$' },
    },
    {
      name: 'reference-systems-speak-the-domain-protocol',
      comment:
        'A reference system depends on its domain protocol (requests, events, snapshot, config), and on nothing else of a domain: the protocol is the contract, the system one implementation of it.',
      severity: 'error',
      from: { path: '^src/(exchange|feeds-proxy)/' },
      to: { path: '^src/(domains|cli)/', pathNot: '^src/domains/[^/]+/protocol/' },
    },
    {
      name: 'checkers-judge-from-outside',
      comment:
        'Checkers (invariants/, properties/) judge the venue from its documented rules, never with its code (type imports included).',
      severity: 'error',
      from: { path: '^(invariants|properties)/' },
      to: { path: '^src/(exchange|feeds-proxy)/' },
    },
  ],
  options: {
    // Type-only imports are dependencies too: the layer rules count them, the cycle rule skips them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
