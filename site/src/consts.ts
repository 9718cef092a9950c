// Site-wide strings and the backends' colours (Okabe-Ito: safe for colour-blind readers; a
// backend keeps its colour on every page) and names as readers know them.
export const SITE_TITLE = 'wsbench';
export const SITE_DESCRIPTION = 'Secure WebSocket benchmarks: uWebSockets.js and Socket.IO under the same load, every second recorded.';
export const BACKEND_COLORS: Record<string, string> = { uws: '#0072B2', socketio: '#D55E00' };
export const BACKEND_LABELS: Record<string, string> = { uws: 'uWS', socketio: 'Socket.IO' };
export const labelOf = (backend: string): string => BACKEND_LABELS[backend] ?? backend;
/** Full names, for titles. */
export const BACKEND_NAMES: Record<string, string> = { uws: 'uWebSockets.js', socketio: 'Socket.IO' };
export const nameOf = (backend: string): string => BACKEND_NAMES[backend] ?? backend;
export const colorOf = (backend: string): string => BACKEND_COLORS[backend] ?? '#444';
export const EXTRA_COLORS = ['#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
