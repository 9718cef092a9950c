// A built site served on a free loopback port and a Chromium to read it: Debian's chromium
// through playwright-core, with the flags the project's browser tests use (no sandbox as root,
// no background network). close() ends both, pass or fail.
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { serveSite } from '../../site/build.ts';

export interface SiteInBrowser {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function openSite(outDir: string): Promise<SiteInBrowser> {
  const server = await serveSite(outDir, 0);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    url,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}
