// Material pre-review (issue 5, docs/api.md "Materials"): the page images
// the findings' regions refer to, and a re-check on demand. The checks
// themselves arrive with each material version (Material.check) in the
// upload answer, the project view and the task view.
import { API_BASE, http } from './http'
import type { MaterialCheck } from './types'

/**
 * materialPageUrl is the PNG of page n (1-based) of a material version,
 * rendered at exactly page_info[n-1].width × height; it needs the session
 * cookie, so it works as an <img src> on this site. Slow-ish (0.1–0.5 s):
 * load it lazily.
 */
export function materialPageUrl(materialId: string, page: number): string {
  return `${API_BASE}/materials/${encodeURIComponent(materialId)}/pages/${Math.max(1, Math.trunc(page))}`
}

export const prereviewApi = {
  /**
   * recheck runs the checks of a material version again: the fast ones at
   * once (the answer), the text checks (OCR) after, reported by ocr:
   * 'pending' until the page's polling brings the final result.
   */
  recheck: (materialId: string) => http.post<MaterialCheck>(`/materials/${encodeURIComponent(materialId)}/recheck`),
}
