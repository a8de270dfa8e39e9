/// <reference types="vitest/config" />
import { writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The Go server the dev server proxies to (make dev); override with TB_API.
const api = process.env.TB_API ?? 'http://127.0.0.1:8080'

// keepGitkeep recreates dist/.gitkeep after every build: Go embeds
// `all:dist`, so a clean clone needs the directory to exist, and Vite
// empties it before writing.
function keepGitkeep(): Plugin {
  return {
    name: 'tongban-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      const dir = fileURLToPath(new URL('./dist', import.meta.url))
      mkdirSync(dir, { recursive: true })
      writeFileSync(`${dir}/.gitkeep`, '')
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: components in templates and the ElMessage /
    // ElMessageBox services are imported (with their CSS) only where used.
    AutoImport({ resolvers: [ElementPlusResolver()], dts: 'src/auto-imports.d.ts' }),
    Components({ resolvers: [ElementPlusResolver()], dts: 'src/components.d.ts', dirs: [] }),
    keepGitkeep(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    // vue-i18n: Composition API only; drop the legacy API and devtools.
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
  },
})
