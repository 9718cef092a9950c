// Write-ups: Markdown files with front matter naming the runs they discuss (checked at build).
import { glob } from 'astro/loaders';
import { defineCollection, z } from 'astro:content';
import { siteInputs } from './lib/loader.ts';

const writeups = defineCollection({
  loader: glob({ pattern: '**/*.md', base: siteInputs().writeupsDir }),
  schema: z.object({
    title: z.string(),
    description: z.string(),
    pubDate: z.coerce.date(),
    runs: z.array(z.string()).default([]),
    /** Short names for runs, used by the {{…}} figures in the prose (site/src/lib/figure-directives.ts). */
    refs: z.record(z.string()).default({}),
    /** Two run ids whose comparison opens the write-up (and headlines its card on the home page). */
    verdict: z.tuple([z.string(), z.string()]).optional(),
    /** A cost question whose machines per backend the write-up's link image shows instead of its verdict (site/src/lib/og-images.ts). */
    cost: z.object({ connections: z.number().int().min(1), intervalMs: z.number().min(1), machine: z.string() }).optional(),
  }),
});

export const collections = { writeups };
