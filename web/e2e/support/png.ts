// Shrink a screenshot PNG for the repository: Chromium writes PNGs with
// fast compression, so re-encode them with per-row adaptive filters and
// zlib level 9; a picture still over the budget (the login page's
// gradient) loses its lowest colour bits until it fits.
import { deflateSync, inflateSync } from 'node:zlib'

interface Image {
  width: number
  height: number
  /** bytes per pixel: 3 RGB or 4 RGBA */
  bpp: number
  pixels: Buffer
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

function predictor(f: number, a: number, b: number, c: number): number {
  switch (f) {
    case 1:
      return a
    case 2:
      return b
    case 3:
      return (a + b) >> 1
    case 4:
      return paeth(a, b, c)
  }
  return 0
}

/** decode reads an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
function decode(png: Buffer): Image | null {
  if (!png.subarray(0, 8).equals(SIGNATURE)) return null
  let i = 8
  let width = 0
  let height = 0
  let bpp = 0
  const idat: Buffer[] = []
  while (i < png.length) {
    const n = png.readUInt32BE(i)
    const type = png.toString('latin1', i + 4, i + 8)
    const data = png.subarray(i + 8, i + 8 + n)
    i += 12 + n
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const depth = data[8]
      const colour = data[9]
      if (depth !== 8 || data[12] !== 0 || (colour !== 2 && colour !== 6)) return null
      bpp = colour === 2 ? 3 : 4
    } else if (type === 'IDAT') idat.push(data)
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]
    const src = y * (stride + 1) + 1
    const dst = y * stride
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? pixels[dst + x - bpp] : 0
      const b = y > 0 ? pixels[dst - stride + x] : 0
      const c = x >= bpp && y > 0 ? pixels[dst - stride + x - bpp] : 0
      pixels[dst + x] = (raw[src + x] + predictor(f, a, b, c)) & 0xff
    }
  }
  return { width, height, bpp, pixels }
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

let table: Uint32Array | null = null
function crc32(buf: Buffer): number {
  if (!table) {
    table = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c >>> 0
    }
  }
  let c = 0xffffffff
  for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** encode writes RGB (alpha dropped when opaque), each row with the filter of least absolute sum. */
function encode(img: Image, dropBits: number): Buffer {
  const { width, height } = img
  const opaque = img.bpp === 3 || (() => {
    for (let i = 3; i < img.pixels.length; i += 4) if (img.pixels[i] !== 255) return false
    return true
  })()
  const bpp = opaque ? 3 : 4
  const stride = width * bpp
  const px = Buffer.alloc(stride * height)
  const mask = (0xff << dropBits) & 0xff
  for (let p = 0, q = 0; p < img.pixels.length; p += img.bpp, q += bpp) {
    for (let k = 0; k < bpp; k++) {
      const v = img.pixels[p + k]
      // Round to the kept bits (alpha untouched).
      px[q + k] = k === 3 || dropBits === 0 ? v : Math.min(255, v + (1 << (dropBits - 1))) & mask
    }
  }
  const out = Buffer.alloc((stride + 1) * height)
  const cand = Array.from({ length: 5 }, () => Buffer.alloc(stride))
  for (let y = 0; y < height; y++) {
    const row = y * stride
    let best = 0
    let bestSum = Infinity
    for (let f = 0; f < 5; f++) {
      let sum = 0
      const o = cand[f]
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? px[row + x - bpp] : 0
        const b = y > 0 ? px[row - stride + x] : 0
        const c = x >= bpp && y > 0 ? px[row - stride + x - bpp] : 0
        const v = (px[row + x] - predictor(f, a, b, c)) & 0xff
        o[x] = v
        sum += v < 128 ? v : 256 - v
      }
      if (sum < bestSum) {
        bestSum = sum
        best = f
      }
    }
    out[y * (stride + 1)] = best
    cand[best].copy(out, y * (stride + 1) + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = opaque ? 2 : 6
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(out, { level: 9, memLevel: 9 })), chunk('IEND', Buffer.alloc(0))])
}

/** shrinkPng returns the smallest of the original and its re-encodings, dropping colour bits only to get under budget bytes. */
export function shrinkPng(png: Buffer, budget = 280_000): Buffer {
  const img = decode(png)
  if (!img) return png
  let best = png
  for (let drop = 0; drop <= 3; drop++) {
    const out = encode(img, drop)
    if (out.length < best.length) best = out
    if (best.length <= budget) break
  }
  return best
}
