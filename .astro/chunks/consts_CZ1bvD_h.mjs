const SITE_TITLE = "wsbench";
const SITE_DESCRIPTION = "Secure WebSocket benchmarks: uWebSockets.js and Socket.IO under the same load, every second recorded.";
const BACKEND_COLORS = { uws: "#0072B2", socketio: "#D55E00" };

export { BACKEND_COLORS as B, SITE_TITLE as S, SITE_DESCRIPTION as a };
