// Material uploads go through XMLHttpRequest, the one browser API that
// reports upload progress. Same headers, errors and app-wide reactions as
// the fetch client.
import { API_BASE, dispatchGlobal, networkError, problemToError, currentHooks, requestHeaders, ApiError } from './http'
import type { Material } from './types'

export interface UploadHandle {
  promise: Promise<Material>
  abort: () => void
}

export function materialUploadUrl(projectId: string, stage: number, code: string): string {
  return `${API_BASE}/projects/${encodeURIComponent(projectId)}/stages/${stage}/materials/${encodeURIComponent(code)}`
}

export function materialContentUrl(materialId: string): string {
  return `${API_BASE}/materials/${encodeURIComponent(materialId)}/content`
}

/** uploadMaterial PUTs file as the raw body; onProgress gets 0–100. */
export function uploadMaterial(projectId: string, stage: number, code: string, file: Blob & { name?: string }, onProgress?: (percent: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<Material>((resolve, reject) => {
    xhr.open('PUT', materialUploadUrl(projectId, stage, code))
    xhr.withCredentials = true
    const headers = requestHeaders('PUT', false)
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v)
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name ?? 'file'))
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.min(100, Math.round((e.loaded / e.total) * 100)))
    }
    xhr.onerror = () => reject(networkError(currentHooks().lang()))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', { code: 'aborted' }))
    xhr.onload = () => {
      let body: unknown
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(100)
        resolve(body as Material)
        return
      }
      const err = problemToError(xhr.status, body, currentHooks().lang())
      dispatchGlobal(err, 'PUT')
      reject(err)
    }
    xhr.send(file)
  })
  return { promise, abort: () => xhr.abort() }
}
