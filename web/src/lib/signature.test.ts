import { describe, expect, it } from 'vitest'
import {
  addPoint,
  backingSize,
  dataUrlBytes,
  exportHandwriting,
  exportScale,
  fitStrokes,
  groupFingerprint,
  HANDWRITING_MAX_BYTES,
  HANDWRITING_MAX_H,
  HANDWRITING_MAX_W,
  INK_MIN,
  INK_WIDTH,
  inkBounds,
  isBlank,
  nextScale,
  outputSize,
  signatureView,
  strokeOps,
  trimBox,
  TRIM_PAD,
  type Box,
  type Stroke,
} from './signature'

const line = (x0: number, y0: number, x1: number, y1: number, n = 10): Stroke => Array.from({ length: n + 1 }, (_, i) => ({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n }))

/** a base64 data URL whose payload decodes to exactly n bytes */
function pngOf(n: number): string {
  return 'data:image/png;base64,' + Buffer.alloc(n, 7).toString('base64')
}

describe('inkBounds and trimming', () => {
  it('covers every point plus half the pen on each side', () => {
    const b = inkBounds([line(10, 20, 110, 20), [{ x: 50, y: 70 }]])!
    const r = INK_WIDTH / 2
    expect(b.x).toBeCloseTo(10 - r)
    expect(b.y).toBeCloseTo(20 - r)
    expect(b.w).toBeCloseTo(100 + INK_WIDTH)
    expect(b.h).toBeCloseTo(50 + INK_WIDTH)
  })
  it('is null with nothing drawn', () => {
    expect(inkBounds([])).toBeNull()
    expect(inkBounds([[], []])).toBeNull()
  })
  it('pads the box and clips it to the pad', () => {
    const area = { w: 300, h: 150 }
    expect(trimBox({ x: 50, y: 40, w: 100, h: 30 }, 6, area)).toEqual({ x: 44, y: 34, w: 112, h: 42 })
    // Ink at the edges: the margin stops at the pad's border.
    expect(trimBox({ x: 1, y: 2, w: 298, h: 147 }, 6, area)).toEqual({ x: 0, y: 0, w: 300, h: 150 })
    // Never an empty box.
    expect(trimBox({ x: 400, y: 400, w: 0, h: 0 }, 0, area).w).toBeGreaterThan(0)
  })
})

describe('isBlank', () => {
  it('is blank with no strokes', () => {
    expect(isBlank([])).toBe(true)
  })
  it('takes a stray tap (a dot, a tiny wiggle) as blank', () => {
    expect(isBlank([[{ x: 40, y: 40 }]])).toBe(true)
    expect(isBlank([line(40, 40, 40 + INK_MIN - 1, 40 + INK_MIN - 1)])).toBe(true)
  })
  it('takes a line as drawn, even a straight one', () => {
    expect(isBlank([line(40, 40, 40 + INK_MIN + 1, 40)])).toBe(false)
    expect(isBlank([line(40, 40, 40, 120)])).toBe(false)
  })
})

describe('addPoint', () => {
  it('drops samples closer than the minimum step', () => {
    const s: Stroke = []
    expect(addPoint(s, { x: 0, y: 0 })).toBe(true)
    expect(addPoint(s, { x: 0.2, y: 0.2 })).toBe(false)
    expect(addPoint(s, { x: 3, y: 4 })).toBe(true)
    expect(s).toEqual([
      { x: 0, y: 0 },
      { x: 3, y: 4 },
    ])
  })
})

describe('strokeOps', () => {
  it('draws a dot for one sample and a line for two', () => {
    expect(strokeOps([{ x: 1, y: 2 }])).toEqual([{ op: 'dot', x: 1, y: 2 }])
    expect(strokeOps([{ x: 1, y: 2 }, { x: 3, y: 4 }]).map((o) => o.op)).toEqual(['M', 'L'])
    expect(strokeOps([])).toEqual([])
  })
  it('curves through the midpoints with the samples as controls, from the first sample to the last', () => {
    const ops = strokeOps([
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 10 },
      { x: 0, y: 10 },
    ])
    expect(ops).toEqual([
      { op: 'M', x: 0, y: 0 },
      { op: 'L', x: 5, y: 0 },
      { op: 'Q', cx: 10, cy: 0, x: 10, y: 5 },
      { op: 'Q', cx: 10, cy: 10, x: 5, y: 10 },
      { op: 'L', x: 0, y: 10 },
    ])
  })
})

describe('fitStrokes', () => {
  const drawn = [line(20, 20, 600, 120)]
  it('leaves the drawing alone when it still fits (a wider pad does not enlarge it)', () => {
    expect(fitStrokes(drawn, 800, 160)).toEqual(drawn)
    expect(fitStrokes(drawn, 2000, 400)).toEqual(drawn)
  })
  it('shrinks it uniformly into a narrower pad (phone rotated back to portrait)', () => {
    const fit = fitStrokes(drawn, 350, 160)
    const b = inkBounds(fit)!
    expect(b.x + b.w).toBeLessThanOrEqual(350 + 1e-9)
    const f = fit[0][1].x / drawn[0][1].x
    expect(fit[0][1].y / drawn[0][1].y).toBeCloseTo(f) // same factor both ways: not distorted
    expect(f).toBeLessThan(1)
  })
  it('returns copies', () => {
    const fit = fitStrokes(drawn, 800, 160)
    fit[0].push({ x: 0, y: 0 })
    expect(drawn[0].length).toBe(11)
  })
})

describe('backingSize', () => {
  it('multiplies by the pixel ratio, capped at 3 and at least 1', () => {
    expect(backingSize(350, 140, 2)).toEqual({ width: 700, height: 280, ratio: 2 })
    expect(backingSize(350, 140, 2.625)).toEqual({ width: 919, height: 368, ratio: 2.625 })
    expect(backingSize(350, 140, 4).ratio).toBe(3)
    expect(backingSize(350, 140, 0.5).ratio).toBe(1)
    expect(backingSize(350, 140, NaN).ratio).toBe(1)
  })
})

describe('size limits', () => {
  it('reads the decoded size of a data URL', () => {
    expect(dataUrlBytes(pngOf(0))).toBe(0)
    expect(dataUrlBytes(pngOf(1))).toBe(1)
    expect(dataUrlBytes(pngOf(2))).toBe(2)
    expect(dataUrlBytes(pngOf(3))).toBe(3)
    expect(dataUrlBytes(pngOf(1000))).toBe(1000)
    expect(dataUrlBytes('not a data url')).toBe(0)
  })
  it('keeps the image within 2000×1000 px', () => {
    const wide: Box = { x: 0, y: 0, w: 3000, h: 200 }
    const s = exportScale(wide)
    expect(outputSize(wide, s).w).toBeLessThanOrEqual(HANDWRITING_MAX_W)
    const tall: Box = { x: 0, y: 0, w: 300, h: 900 }
    expect(outputSize(tall, exportScale(tall)).h).toBeLessThanOrEqual(HANDWRITING_MAX_H)
    const small: Box = { x: 0, y: 0, w: 300, h: 100 }
    expect(exportScale(small)).toBe(2)
    expect(outputSize(small, 2)).toEqual({ w: 600, h: 200 })
  })
  it('scales down by at least 10% each try', () => {
    expect(nextScale(2, 300 * 1024)).toBeLessThanOrEqual(1.8)
    expect(nextScale(2, 4 * HANDWRITING_MAX_BYTES)).toBeCloseTo(2 * 0.5 * 0.95)
  })
})

describe('exportHandwriting', () => {
  const area = { w: 340, h: 140 }
  const sig = [line(30, 40, 300, 100, 40), line(40, 100, 200, 30, 40)]

  it('is empty when blank, without rendering', () => {
    let calls = 0
    expect(
      exportHandwriting([], area, () => {
        calls++
        return pngOf(10)
      }),
    ).toBe('')
    expect(exportHandwriting([[{ x: 5, y: 5 }]], area, () => pngOf(10))).toBe('')
    expect(calls).toBe(0)
  })

  it('renders the trimmed ink at twice the CSS size', () => {
    const seen: { box: Box; scale: number }[] = []
    const url = exportHandwriting(sig, area, (box, scale) => {
      seen.push({ box, scale })
      return pngOf(5000)
    })
    expect(url).toBe(pngOf(5000))
    expect(seen).toHaveLength(1)
    const ink = inkBounds(sig)!
    expect(seen[0].box).toEqual(trimBox(ink, TRIM_PAD, area))
    expect(seen[0].scale).toBe(2)
  })

  it('downscales until the PNG is under 256 KB', () => {
    // A render whose size goes with the area, too big at full scale.
    const bytesAt = (box: Box, scale: number) => Math.round(box.w * scale * box.h * scale * 3)
    const scales: number[] = []
    const url = exportHandwriting(sig, area, (box, scale) => {
      scales.push(scale)
      return pngOf(bytesAt(box, scale))
    })
    expect(dataUrlBytes(url)).toBeLessThanOrEqual(HANDWRITING_MAX_BYTES)
    expect(dataUrlBytes(url)).toBeGreaterThan(0)
    expect(scales.length).toBeGreaterThan(1)
    for (let i = 1; i < scales.length; i++) expect(scales[i]).toBeLessThan(scales[i - 1])
  })

  it('gives up (empty) rather than send something over the limit', () => {
    expect(exportHandwriting(sig, area, () => pngOf(HANDWRITING_MAX_BYTES + 1))).toBe('')
  })
})

describe('signatureView', () => {
  it('maps each status to its tag', () => {
    expect(signatureView({ status: 'valid' })).toEqual({ key: 'valid', type: 'success', effect: 'light', loud: false })
    expect(signatureView({ status: 'invalid' })).toEqual({ key: 'invalid', type: 'danger', effect: 'dark', loud: true })
    expect(signatureView({ status: 'key_unknown' })).toEqual({ key: 'keyUnknown', type: 'info', effect: 'light', loud: false })
  })
  it('shows nothing for an unsigned event and never "verified" for a status it does not know', () => {
    expect(signatureView(undefined)).toBeNull()
    expect(signatureView(null)).toBeNull()
    const v = signatureView({ status: 'expired' as never })!
    expect(v.key).toBe('unknown')
    expect(v.type).toBe('info')
  })
})

describe('groupFingerprint', () => {
  it('groups hex by four', () => {
    expect(groupFingerprint('3f9a0c1277be41d0')).toBe('3f9a 0c12 77be 41d0')
    expect(groupFingerprint('3f9a 0c12')).toBe('3f9a 0c12')
    expect(groupFingerprint('')).toBe('')
    expect(groupFingerprint(undefined)).toBe('')
  })
})
