// The picture a shared link shows (og:image): a page's answer as a 1200×630 PNG, made at build
// time. An SVG of the title, the lead sentences and each figure's bars in the backends' colours,
// rendered by sharp (Astro's image library, already installed). Text is sized to stay readable
// when a preview shows the image 600 px wide: nothing under 26 px here, 13 px there.
import { escapeMarkup as esc } from './escape.ts';

const W = 1200;
const H = 630;
const PAD = 56;

export interface ImageBar {
  name: string;
  value: number | null;
  /** The value as the page prints it, with its unit. */
  text: string;
  color: string;
}

export interface ImageFigure {
  label: string;
  bars: ImageBar[];
}

export interface VerdictImage {
  title: string;
  /** One or two sentences: the answer. */
  lines: string[];
  figures: ImageFigure[];
  /** Small print at the bottom: the machine, and that it is not a Pi. */
  footer: string;
}

/** Lines of at most `max` characters (about what fits at this size: a sans-serif's mean width is ~0.55 em, bold's ~0.6). */
function wrap(text: string, size: number, width: number, maxLines: number, em = 0.55): string[] {
  const max = Math.floor(width / (size * em));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if ((line ? `${line} ${word}` : word).length > max && line) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1]!.replace(/\s+\S*$/, '')}…`;
  }
  return lines;
}

export function verdictSvg(image: VerdictImage): string {
  const parts: string[] = [];
  let y = PAD + 40;
  // A title too long for two lines at 44 px takes three at 36 (18 px in a 600 px preview) rather than an ellipsis.
  const fits = wrap(image.title, 44, W - 2 * PAD, 3, 0.6).length <= 2;
  const size = fits ? 44 : 36;
  for (const line of wrap(image.title, size, W - 2 * PAD, fits ? 2 : 3, 0.6)) {
    parts.push(`<text x="${PAD}" y="${y}" font-size="${size}" font-weight="700" fill="#1b1b1b">${esc(line)}</text>`);
    y += size + 10;
  }
  y += 8;
  for (const sentence of image.lines.slice(0, 2)) {
    for (const line of wrap(sentence, 30, W - 2 * PAD, 2)) {
      parts.push(`<text x="${PAD}" y="${y}" font-size="30" fill="#1b1b1b">${esc(line)}</text>`);
      y += 38;
    }
  }
  y += 10;
  // Each figure: its label, then one bar per backend, longest to the box's width.
  const figures = image.figures.slice(0, Math.max(0, Math.floor((H - 60 - y) / 110)));
  const barX = PAD + 220;
  // The longest value stays inside the image, beside its bar.
  const longest = Math.max(0, ...figures.flatMap((f) => f.bars.map((b) => b.text.length)));
  const barW = W - PAD - barX - 12 - longest * 28 * 0.58;
  for (const f of figures) {
    parts.push(`<text x="${PAD}" y="${y + 26}" font-size="28" font-weight="700" fill="#333">${esc(f.label)}</text>`);
    y += 38;
    const top = Math.max(...f.bars.map((b) => Math.abs(b.value ?? 0)), 1e-9);
    for (const b of f.bars) {
      const w = b.value === null ? 0 : Math.max(3, (Math.abs(b.value) / top) * barW);
      parts.push(`<text x="${PAD}" y="${y + 26}" font-size="28" fill="#333">${esc(b.name)}</text>`);
      parts.push(`<rect x="${barX}" y="${y + 4}" width="${w.toFixed(1)}" height="28" rx="3" fill="${esc(b.color)}"/>`);
      parts.push(`<text x="${barX + w + 12}" y="${y + 28}" font-size="28" fill="#1b1b1b">${esc(b.text)}</text>`);
      y += 36;
    }
    y += 6;
  }
  parts.push(`<text x="${PAD}" y="${H - 28}" font-size="26" fill="#555">${esc(wrap(image.footer, 26, W - 2 * PAD, 1)[0] ?? '')}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"><rect width="${W}" height="${H}" fill="#fdfdfc"/><rect width="${W}" height="10" fill="#0b5394"/>${parts.join('')}</svg>`;
}

/** The SVG as a PNG (sharp renders it with the system's fonts). */
export async function pngOf(svg: string): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  return new Uint8Array(await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer());
}
