/** Layering of Sello (issue 9): the engine (src/) knows no program; judges never see reference implementations;
 *  programs stay in their own folders. Type-only imports count (tsPreCompilationDeps): a judge typed against a
 *  reference implementation's types is still coupled to it, and tsc erases them so they would otherwise go unseen. */
module.exports = {
  forbidden: [
    { name: 'engine-knows-no-program', severity: 'error', from: { path: '^src/' }, to: { path: '^programs/' } },
    { name: 'engine-no-tooling', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|scripts|bench)/' } },
    { name: 'judges-never-import-reference', severity: 'error', from: { path: '^programs/([^/]+)/judges/' }, to: { path: '^programs/$1/reference/' } },
    { name: 'no-cross-program', severity: 'error', from: { path: '^programs/([^/]+)/' }, to: { path: '^programs/', pathNot: '^programs/$1/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
