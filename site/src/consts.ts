// Site-wide strings. How each backend is shown (label, title, colour) comes from its runs: lib/backends.ts.
export const SITE_TITLE = 'wsbench';
export const SITE_DESCRIPTION = 'Secure WebSocket benchmarks: uWebSockets.js, Socket.IO and ws under the same load, every second recorded.';
