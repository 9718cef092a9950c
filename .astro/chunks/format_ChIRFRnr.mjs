const bytes = (v) => {
  if (v === null || v === void 0) return "–";
  const units = ["B", "KB", "MB", "GB"];
  let x = v;
  let i = 0;
  while (x >= 1e3 && i < units.length - 1) {
    x /= 1e3;
    i++;
  }
  return `${x.toFixed(i === 0 ? 0 : x < 10 ? 2 : 1)} ${units[i]}`;
};
const num = (v, digits = 0) => v === null || v === void 0 ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (v) => v === null || v === void 0 ? "–" : v >= 1e3 ? `${(v / 1e3).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const pct = (v) => v === null || v === void 0 ? "–" : `${v.toFixed(3)}%`;
const when = (t) => new Date(t).toISOString().replace("T", " ").slice(0, 16) + " UTC";

export { bytes as b, ms as m, num as n, pct as p, when as w };
