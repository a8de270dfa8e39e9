// Signed decisions in the UI: the pure part of the handwritten signature
// pad (strokes, smoothing, trimming, sizing of the exported PNG) and how a
// decision's SM2 signature status is shown. The handwriting is decoration:
// the signature that counts is the SM2 one the server makes with the
// officer's key (docs/api.md, POST /tasks/{id}/actions "handwriting").
import type { EventSignature } from '@/api/types'

/** Point is a position on the pad in CSS pixels from its top-left corner. */
export interface Point {
  x: number
  y: number
}

/** Stroke is one pen-down … pen-up trace. */
export type Stroke = Point[]

/** Box is an axis-aligned rectangle in CSS pixels. */
export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** The server's limits on the handwriting (decoded PNG bytes, pixels). */
export const HANDWRITING_MAX_BYTES = 256 * 1024
export const HANDWRITING_MAX_W = 2000
export const HANDWRITING_MAX_H = 1000

/** INK_WIDTH is the pen width in CSS pixels; INK_COLOR a near-black blue. */
export const INK_WIDTH = 2.5
export const INK_COLOR = '#14213d'
/** INK_MIN is the smallest extent (CSS px, both ways) that counts as drawing: less is a stray tap. */
export const INK_MIN = 6
/** TRIM_PAD is the margin kept around the ink when trimming. */
export const TRIM_PAD = 6
/** EXPORT_SCALE is the exported image's pixels per CSS pixel before any downscaling (crisp when shown enlarged). */
export const EXPORT_SCALE = 2
/** MIN_STEP drops pointer samples closer than this to the previous one (jitter). */
export const MIN_STEP = 0.75

/** addPoint appends p unless it is within MIN_STEP of the stroke's last point; it reports whether it did. */
export function addPoint(stroke: Stroke, p: Point, minStep = MIN_STEP): boolean {
  const last = stroke[stroke.length - 1]
  if (last && Math.hypot(p.x - last.x, p.y - last.y) < minStep) return false
  stroke.push({ x: p.x, y: p.y })
  return true
}

/** inkBounds is the box the strokes cover, pen width included; null when there is no point. */
export function inkBounds(strokes: readonly Stroke[], width = INK_WIDTH): Box | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (const s of strokes) {
    for (const p of s) {
      if (p.x < x0) x0 = p.x
      if (p.y < y0) y0 = p.y
      if (p.x > x1) x1 = p.x
      if (p.y > y1) y1 = p.y
    }
  }
  if (x0 === Infinity) return null
  const r = width / 2
  return { x: x0 - r, y: y0 - r, w: x1 - x0 + width, h: y1 - y0 + width }
}

/** isBlank: nothing drawn, or only a dot smaller than INK_MIN both ways (a stray tap is not a signature). */
export function isBlank(strokes: readonly Stroke[], width = INK_WIDTH): boolean {
  const b = inkBounds(strokes, width)
  return !b || (b.w - width < INK_MIN && b.h - width < INK_MIN)
}

/** trimBox pads the ink's box by pad and clips it to the pad's area (ink dragged off the edge is not shown, so not kept). */
export function trimBox(ink: Box, pad: number, area: { w: number; h: number }): Box {
  const x = Math.max(0, ink.x - pad)
  const y = Math.max(0, ink.y - pad)
  const x1 = Math.min(area.w, ink.x + ink.w + pad)
  const y1 = Math.min(area.h, ink.y + ink.h + pad)
  return { x, y, w: Math.max(1, x1 - x), h: Math.max(1, y1 - y) }
}

/** exportScale is the pixels per CSS pixel for a box: at most scale, and small enough for the server's pixel limits. */
export function exportScale(box: Box, scale = EXPORT_SCALE, maxW = HANDWRITING_MAX_W, maxH = HANDWRITING_MAX_H): number {
  return Math.min(scale, maxW / box.w, maxH / box.h)
}

/** outputSize is the image's size in pixels for box at scale, never over the limits and at least 1×1. */
export function outputSize(box: Box, scale: number, maxW = HANDWRITING_MAX_W, maxH = HANDWRITING_MAX_H): { w: number; h: number } {
  return { w: Math.min(maxW, Math.max(1, Math.ceil(box.w * scale))), h: Math.min(maxH, Math.max(1, Math.ceil(box.h * scale))) }
}

/** dataUrlBytes is the decoded size of a base64 data URL's payload (0 for anything else). */
export function dataUrlBytes(url: string): number {
  const i = url.indexOf(';base64,')
  if (!url.startsWith('data:') || i < 0) return 0
  const b64 = url.slice(i + 8).replace(/\s/g, '')
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.max(0, Math.floor((b64.length * 3) / 4) - pad)
}

/** nextScale is the scale to try after an image of bytes at scale came out over max: PNG size goes roughly with the area. */
export function nextScale(scale: number, bytes: number, max = HANDWRITING_MAX_BYTES): number {
  const f = Math.min(0.9, Math.sqrt(max / bytes) * 0.95)
  return scale * f
}

/** Render draws the strokes' part inside box at scale and returns a PNG data URL (canvas in the browser, a fake in tests). */
export type Render = (box: Box, scale: number) => string

/**
 * exportHandwriting turns the strokes into the PNG data URL to send: ''
 * when the pad is blank; otherwise trimmed to the ink with a margin,
 * within the pixel limits and downscaled until it is under maxBytes (''
 * if even a small version is not, which a real signature never reaches).
 */
export function exportHandwriting(strokes: readonly Stroke[], area: { w: number; h: number }, render: Render, maxBytes = HANDWRITING_MAX_BYTES): string {
  if (isBlank(strokes)) return ''
  const box = trimBox(inkBounds(strokes)!, TRIM_PAD, area)
  let scale = exportScale(box)
  for (let i = 0; i < 8 && scale > 0.05; i++) {
    const url = render(box, scale)
    const bytes = dataUrlBytes(url)
    if (bytes > 0 && bytes <= maxBytes) return url
    scale = nextScale(scale, Math.max(bytes, maxBytes + 1), maxBytes)
  }
  return ''
}

/** PathOp is one canvas path command of a smoothed stroke. */
export type PathOp = { op: 'dot'; x: number; y: number } | { op: 'M'; x: number; y: number } | { op: 'L'; x: number; y: number } | { op: 'Q'; cx: number; cy: number; x: number; y: number }

/**
 * strokeOps smooths a stroke for drawing: quadratic curves through the
 * midpoints of successive samples, with the samples as control points, so
 * the line passes close to every sample without corners. One sample is a dot.
 */
export function strokeOps(s: readonly Point[]): PathOp[] {
  if (s.length === 0) return []
  if (s.length === 1) return [{ op: 'dot', x: s[0].x, y: s[0].y }]
  if (s.length === 2) return [{ op: 'M', x: s[0].x, y: s[0].y }, { op: 'L', x: s[1].x, y: s[1].y }]
  const mid = (a: Point, b: Point) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 })
  const m0 = mid(s[0], s[1])
  const ops: PathOp[] = [{ op: 'M', x: s[0].x, y: s[0].y }, { op: 'L', x: m0.x, y: m0.y }]
  for (let i = 1; i < s.length - 1; i++) {
    const m = mid(s[i], s[i + 1])
    ops.push({ op: 'Q', cx: s[i].x, cy: s[i].y, x: m.x, y: m.y })
  }
  const last = s[s.length - 1]
  ops.push({ op: 'L', x: last.x, y: last.y })
  return ops
}

/**
 * fitStrokes keeps the drawing visible when the pad changes size (a phone
 * rotated, a window narrowed): when the ink would reach past the new size
 * it is shrunk uniformly, towards the top-left corner, until it fits;
 * otherwise it is left as drawn (a wider pad does not enlarge it).
 */
export function fitStrokes(strokes: readonly Stroke[], w: number, h: number, width = INK_WIDTH): Stroke[] {
  const b = inkBounds(strokes, width)
  if (!b || w <= 0 || h <= 0) return strokes.map((s) => s.slice())
  // Points scale, the pen does not: the farthest point must land half a pen inside.
  const r = width / 2
  const maxX = b.x + b.w - r
  const maxY = b.y + b.h - r
  const f = Math.max(0, Math.min(1, maxX > 0 ? (w - r) / maxX : 1, maxY > 0 ? (h - r) / maxY : 1))
  if (f >= 1) return strokes.map((s) => s.slice())
  return strokes.map((s) => s.map((p) => ({ x: p.x * f, y: p.y * f })))
}

/** backingSize is the canvas's pixel size for a CSS size on a screen of devicePixelRatio dpr (capped at 3: more adds nothing to a signature). */
export function backingSize(cssW: number, cssH: number, dpr: number): { width: number; height: number; ratio: number } {
  const ratio = Math.min(3, Math.max(1, Number.isFinite(dpr) ? dpr : 1))
  return { width: Math.max(1, Math.round(cssW * ratio)), height: Math.max(1, Math.round(cssH * ratio)), ratio }
}

// --- signature status ------------------------------------------------------------

/** SignatureView is how a decision's signature is shown: a tag's colour and weight, and the i18n key of its text under sign.status. */
export interface SignatureView {
  key: 'valid' | 'invalid' | 'keyUnknown' | 'unknown'
  type: 'success' | 'danger' | 'info'
  effect: 'light' | 'dark'
  /** loud: the record no longer matches its signature, to be noticed */
  loud: boolean
}

/** signatureView maps the server's verification status; null when the event is not signed (system events). */
export function signatureView(sig: Pick<EventSignature, 'status'> | null | undefined): SignatureView | null {
  if (!sig) return null
  switch (sig.status) {
    case 'valid':
      return { key: 'valid', type: 'success', effect: 'light', loud: false }
    case 'invalid':
      return { key: 'invalid', type: 'danger', effect: 'dark', loud: true }
    case 'key_unknown':
      return { key: 'keyUnknown', type: 'info', effect: 'light', loud: false }
  }
  // A status this UI does not know yet: neutral, never shown as verified.
  return { key: 'unknown', type: 'info', effect: 'light', loud: false }
}

/** groupFingerprint shows a hex fingerprint in groups of four: "3f9a 0c12 77be 41d0". */
export function groupFingerprint(hex: string | null | undefined): string {
  const s = (hex ?? '').replace(/\s/g, '')
  return s.match(/.{1,4}/g)?.join(' ') ?? ''
}
