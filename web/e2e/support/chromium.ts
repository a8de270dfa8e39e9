// The system Chromium the tests drive (Debian's /usr/bin/chromium; the
// Playwright browser download is never used), and its flags: no sandbox
// (root in a container), no GPU, and none of the background traffic.
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]
