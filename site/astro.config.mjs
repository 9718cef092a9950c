// The report site: static pages built from the wsbench database at build time. site/build.ts
// buildSite passes where it writes (outDir), its base and address (site) in Astro's inline config.
import { defineConfig } from 'astro/config';
import { remarkFigures } from './src/lib/remark-figures.ts';

export default defineConfig({
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  // Plain <pre><code class="language-…">: write-ups' ```wsbench blocks become charts in the browser.
  // Write-ups' {{…}} figures and ```wsbench-steps tables are read from the database (remark-figures.ts).
  markdown: { syntaxHighlight: false, remarkPlugins: [remarkFigures] },
  vite: {
    // The database is read in Node at build time; nothing of it is bundled for the browser.
    ssr: { external: ['better-sqlite3'] },
  },
});
