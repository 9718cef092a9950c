// Site-wide strings. How each backend is shown (label, title, colour) comes from its runs: lib/backends.ts.
export const SITE_TITLE = 'wsbench';
export const SITE_DESCRIPTION = 'Secure WebSocket benchmarks: uWebSockets.js, Socket.IO and ws under the same load, every second recorded.';
/** Colours for a backend no run describes, and for a second run of one backend in an overlay (Okabe-Ito, after the four built-in backends' own). */
export const SPARE_COLORS = ['#E69F00', '#56B4E9', '#000000', '#F0E442', '#999999'];
