/**
 * Writes icon.svg and icon.png (512×512) from one description of the shapes, using only Node: no
 * image tools are needed on a build machine. Run `node resources/render-icon.mjs` after editing.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges

// Three blocks climbing to the right, chained by links: a blockchain at a party.
const background = {
  x: 0,
  y: 0,
  w: 512,
  h: 512,
  r: 112,
  top: [0x6d, 0x28, 0xd9],
  bottom: [0x43, 0x38, 0xca],
};
const links = [
  { x1: 128, y1: 384, x2: 256, y2: 256, width: 26, color: [0xff, 0xff, 0xff] },
  { x1: 256, y1: 256, x2: 384, y2: 128, width: 26, color: [0xff, 0xff, 0xff] },
];
const blocks = [
  { x: 64, y: 320, w: 128, h: 128, r: 28, color: [0xff, 0xff, 0xff] },
  { x: 192 + 8, y: 192 + 8, w: 112, h: 112, r: 26, color: [0xfd, 0xe6, 0x8a] },
  { x: 320, y: 64, w: 128, h: 128, r: 28, color: [0xf4, 0x72, 0xb6] },
];
const confetti = [
  { cx: 110, cy: 118, r: 16, color: [0xfd, 0xe6, 0x8a] },
  { cx: 176, cy: 84, r: 10, color: [0xf4, 0x72, 0xb6] },
  { cx: 408, cy: 392, r: 14, color: [0xff, 0xff, 0xff] },
  { cx: 360, cy: 440, r: 9, color: [0xfd, 0xe6, 0x8a] },
];

const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

function svg() {
  const b = background;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hex(b.top)}"/>
      <stop offset="1" stop-color="${hex(b.bottom)}"/>
    </linearGradient>
  </defs>
  <rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${b.r}" fill="url(#bg)"/>
${links
  .map(
    (l) =>
      `  <line x1="${l.x1}" y1="${l.y1}" x2="${l.x2}" y2="${l.y2}" stroke="${hex(l.color)}" stroke-width="${l.width}" stroke-linecap="round"/>`,
  )
  .join('\n')}
${blocks.map((k) => `  <rect x="${k.x}" y="${k.y}" width="${k.w}" height="${k.h}" rx="${k.r}" fill="${hex(k.color)}"/>`).join('\n')}
${confetti.map((c) => `  <circle cx="${c.cx}" cy="${c.cy}" r="${c.r}" fill="${hex(c.color)}"/>`).join('\n')}
</svg>
`;
}

function inRoundedRect(s, x, y) {
  if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
  const dx = Math.max(s.x + s.r - x, 0, x - (s.x + s.w - s.r));
  const dy = Math.max(s.y + s.r - y, 0, y - (s.y + s.h - s.r));
  return dx * dx + dy * dy <= s.r * s.r;
}

function inCapsule(l, x, y) {
  const vx = l.x2 - l.x1;
  const vy = l.y2 - l.y1;
  const t = Math.max(0, Math.min(1, ((x - l.x1) * vx + (y - l.y1) * vy) / (vx * vx + vy * vy)));
  const dx = x - (l.x1 + t * vx);
  const dy = y - (l.y1 + t * vy);
  return dx * dx + dy * dy <= (l.width / 2) ** 2;
}

/** The colour and opacity of one sample point, painting shapes in SVG order. */
function sample(x, y) {
  let color = null;
  if (inRoundedRect(background, x, y)) {
    const t = y / SIZE;
    color = background.top.map((v, i) => v + (background.bottom[i] - v) * t);
  }
  for (const l of links) if (inCapsule(l, x, y)) color = l.color;
  for (const k of blocks) if (inRoundedRect(k, x, y)) color = k.color;
  for (const c of confetti) if ((x - c.cx) ** 2 + (y - c.cy) ** 2 <= c.r ** 2) color = c.color;
  return color;
}

function png() {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let py = 0; py < SIZE; py++) {
    raw[py * (SIZE * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0];
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (c === null) continue;
          hits++;
          for (let i = 0; i < 3; i++) sum[i] += c[i];
        }
      }
      const o = py * (SIZE * 4 + 1) + 1 + px * 4;
      for (let i = 0; i < 3; i++) raw[o + i] = hits ? Math.round(sum[i] / hits) : 0;
      raw[o + 3] = Math.round((hits / (SAMPLES * SAMPLES)) * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const dir = new URL('./', import.meta.url);
writeFileSync(new URL('icon.svg', dir), svg());
writeFileSync(new URL('icon.png', dir), png());
