// Where one site build keeps its runs' summaries for every copy of site/src/lib/data.ts in the
// process (data.ts says why); site/build.ts clears it before each build. Shared by both sides,
// so it imports nothing.
export const BUILD_CARDS = Symbol.for('wsbench.site.buildCards');

export function clearBuildCards(): void {
  delete (globalThis as Record<symbol, unknown>)[BUILD_CARDS];
}
