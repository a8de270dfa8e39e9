// Small but well-formed files to upload: the server decides a file's type
// from its content, so these are a real one-page PDF and a real PNG.
import { deflateSync } from 'node:zlib'

/** pdf returns a one-page PDF showing text; padTo adds a comment block to reach about that many bytes. */
export function pdf(text: string, padTo = 0): Buffer {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '')
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ]
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets: number[] = []
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  // PDF comments: ignored by readers, they make an upload long enough to watch its progress.
  const line = '%' + 'tongban-e2e-padding '.repeat(4) + '\n'
  while (Buffer.byteLength(body, 'latin1') < padTo) body += line.repeat(512)
  const xref = Buffer.byteLength(body, 'latin1')
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

const crcTable = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

/** png returns a w×h PNG filled with one RGB colour. */
export function png(w = 64, h = 48, rgb: [number, number, number] = [29, 79, 145]): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const row = Buffer.alloc(1 + w * 3)
  for (let x = 0; x < w; x++) row.set(rgb, 1 + x * 3)
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/** fileFor returns a file in the first format a material accepts that we can make (PDF, else PNG/JPG as PNG). */
export function fileFor(code: string, formats: string[] | null | undefined, padTo = 0): { name: string; mimeType: string; buffer: Buffer } {
  const f = (formats ?? []).map((x) => x.toLowerCase())
  if (f.length === 0 || f.includes('pdf')) return { name: `${code}.pdf`, mimeType: 'application/pdf', buffer: pdf(`Tongban e2e ${code}`, padTo) }
  if (f.includes('png')) return { name: `${code}.png`, mimeType: 'image/png', buffer: png() }
  throw new Error(`e2e: no test file for ${code} in formats ${f.join(',')}`)
}
