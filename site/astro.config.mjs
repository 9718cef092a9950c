// The report site: static pages built from the wsbench database (WSBENCH_DB) at build time.
import { defineConfig } from 'astro/config';

export default defineConfig({
  site: process.env.WSBENCH_SITE_URL || undefined,
  base: process.env.WSBENCH_BASE || '/',
  outDir: process.env.WSBENCH_SITE_OUT || './dist',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  // Plain <pre><code class="language-…">: write-ups' ```wsbench blocks become charts in the browser.
  markdown: { syntaxHighlight: false },
  vite: {
    // The database is read in Node at build time; nothing of it is bundled for the browser.
    ssr: { external: ['better-sqlite3'] },
  },
});
