// What one site build reads, passed by site/build.ts buildSite as arguments, not environment
// variables: the database, the write-ups folder and the points per chart series. Astro loads the
// site's modules twice in one process (the config's remark plugin and the pages' bundle: data.ts
// says why), so the inputs live on globalThis under one key; this module imports nothing.
export interface SiteInputs {
  /** The database, opened read-only. */
  db: string;
  /** Folder of Markdown write-ups. */
  writeupsDir: string;
  /** Points per displayed series; full resolution is a separate file, fetched on zoom. */
  maxPoints: number;
}

const INPUTS = Symbol.for('wsbench.site.inputs');
const holder = globalThis as { [INPUTS]?: SiteInputs };

export function setSiteInputs(inputs: SiteInputs | undefined): void {
  if (inputs) holder[INPUTS] = inputs;
  else delete holder[INPUTS];
}

export function siteInputs(): SiteInputs {
  const inputs = holder[INPUTS];
  if (!inputs) throw new Error('the site is built by site/build.ts buildSite (wsbench site build), which passes the database and write-ups it reads');
  return inputs;
}
