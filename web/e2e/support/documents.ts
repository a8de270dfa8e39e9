// Documents the pre-review recognises, printed to PDF by the test's own
// Chromium (page.pdf, headless only), in Chinese with red seals drawn as
// vectors: a three-page land transfer contract (国有建设用地使用权出让合同)
// with the round seal on its last page and a slice of a perforation seal
// (骑缝章) at the right edge of every page but the last — so the checks
// find the seal, the two slices and, on page 3, where the missing slice
// should be (a finding with a region); and one-page forms sealed by the
// demo applicant's enterprise, which pass. files.ts makes the plain,
// unsealed ones.
import type { Browser } from '@playwright/test'

const RED = '#d81e28'

function star(cx: number, cy: number, r: number): string {
  let d = ''
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5
    const rr = i % 2 ? r * 0.38 : r
    d += `${i ? 'L' : 'M'}${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)} `
  }
  return d + 'Z'
}

/** seal is a round official seal: ring, star, the enterprise's name on the arc and label below. */
function seal(label: string): string {
  return `<svg class="seal" width="170" height="170" viewBox="0 0 170 170">
<defs><path id="arc" d="M 30,85 A 55,55 0 1,1 140,85"/></defs>
<circle cx="85" cy="85" r="78" fill="none" stroke="${RED}" stroke-width="5"/>
<path d="${star(85, 85, 24)}" fill="${RED}"/>
<text font-size="17" fill="${RED}"><textPath href="#arc" startOffset="50%" text-anchor="middle">厦门鹭岛智造科技有限公司</textPath></text>
<text x="85" y="135" font-size="14" text-anchor="middle" fill="${RED}">${label}</text>
</svg>`
}

/** A slice of a perforation seal: the part of a ring left on a page fanned out under the others. */
const SLICE = `<svg class="slice" width="40" height="150" viewBox="0 0 40 150"><circle cx="75" cy="75" r="70" fill="none" stroke="${RED}" stroke-width="5"/></svg>`

const CLAUSE =
  '出让人与受让人根据《中华人民共和国民法典》《中华人民共和国土地管理法》《中华人民共和国城市房地产管理法》等法律、有关行政法规及土地供应政策规定，双方本着平等、自愿、有偿、诚实信用的原则，订立本合同。'

interface DocPage {
  body: string
  /** a slice of the perforation seal at the right edge */
  slice?: boolean
  /** the signatures at the foot */
  foot?: string
  /** the round seal over the signatures, with this label */
  seal?: string
}

function html(title: string, no: string, pages: DocPage[]): string {
  const section = (p: DocPage, i: number) =>
    `<section>${p.slice ? SLICE : ''}<h2>${title}</h2><p class="no">${no} · 第 ${i + 1} 页</p>${p.body}${p.foot ? `<div class="sign">${p.foot}</div>` : ''}${p.seal !== undefined ? seal(p.seal) : ''}</section>`
  return `<!doctype html><meta charset="utf-8"><style>
@page { size: A4; margin: 0 }
body { margin: 0; font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif }
section { position: relative; width: 210mm; height: 297mm; padding: 25mm 22mm; box-sizing: border-box; page-break-after: always; overflow: hidden }
h2 { text-align: center; font-size: 22px; letter-spacing: 2px; margin: 0 0 6px }
.no { text-align: center; color: #444; font-size: 12px; margin: 0 0 24px; text-indent: 0 }
p { font-size: 14px; line-height: 2; text-indent: 2em; margin: 0 0 8px }
.slice { position: absolute; right: 0; top: 120mm }
.sign { position: absolute; left: 22mm; right: 22mm; bottom: 55mm; font-size: 14px; line-height: 2.2 }
.seal { position: absolute; right: 40mm; bottom: 38mm; opacity: .9 }
</style>${pages.map(section).join('')}`
}

const CONTRACT_HTML = html('国有建设用地使用权出让合同', '合同编号：XM-2025-0418', [
  { body: `<p>第一条 ${CLAUSE}</p><p>第二条 出让土地的所有权属中华人民共和国，出让人根据法律的授权出让土地使用权，地下资源、埋藏物不属于土地使用权出让范围。</p><p>第三条 ${CLAUSE}</p>`, slice: true },
  { body: `<p>第四条 本合同项下出让宗地位于厦门市集美区后溪镇岩内路以东，宗地面积 12000 平方米，用途为工业用地。</p><p>第五条 ${CLAUSE}</p>`, slice: true },
  {
    body: '<p>第六条 本合同一式四份，具有同等法律效力，出让人、受让人各执两份。</p>',
    foot: '出让人：厦门市自然资源和规划局<br>受让人：厦门鹭岛智造科技有限公司（盖章）<br>签订日期：2025 年 4 月 18 日',
    seal: '合同专用章',
  },
])

/** CONTRACT is what the checks find in the contract: its pages, the seal's page, the page without its slice and the edge. */
export const CONTRACT = { pages: 3, sealPage: 3, missingSlicePage: 3, edge: 'right' } as const

export interface UploadFile {
  name: string
  mimeType: string
  buffer: Buffer
}

async function print(browser: Browser, name: string, content: string): Promise<UploadFile> {
  const ctx = await browser.newContext()
  try {
    const p = await ctx.newPage()
    await p.setContent(content)
    await p.evaluate(() => document.fonts.ready)
    const buffer = await p.pdf({ format: 'A4', printBackground: true })
    return { name, mimeType: 'application/pdf', buffer }
  } finally {
    await ctx.close()
  }
}

/**
 * contractPdf prints the contract to PDF in a new context of browser and
 * returns it as a file to upload (国有建设用地使用权出让合同.pdf).
 */
export function contractPdf(browser: Browser): Promise<UploadFile> {
  return print(browser, '国有建设用地使用权出让合同.pdf', CONTRACT_HTML)
}

/**
 * sealedPdf prints a one-page document titled title, signed and sealed by
 * the demo applicant's enterprise (厦门鹭岛智造科技有限公司): what passes
 * the checks of a material that needs a seal.
 */
export function sealedPdf(browser: Browser, title: string): Promise<UploadFile> {
  return print(
    browser,
    `${title}.pdf`,
    html(title, '申报材料', [
      {
        body: '<p>项目名称：鹭岛智造·后溪精密零部件厂房项目。建设地点：厦门市集美区后溪镇岩内路以东。</p><p>本单位对所提交材料的真实性、合法性负责。</p>',
        foot: '建设单位：厦门鹭岛智造科技有限公司（盖章）<br>日期：2025 年 4 月 18 日',
        seal: '',
      },
    ]),
  )
}
