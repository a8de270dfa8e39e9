import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'
import { configureHttp } from './api/http'
import { i18n, currentLang, t } from './i18n'
import { loginLocation, router } from './router'
import { useAuthStore } from './stores/auth'
import { runConflictReload } from './composables/useConflictReload'
import './styles/index.scss'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(router)
document.documentElement.lang = currentLang()

const auth = useAuthStore(pinia)
let conflictOpen = false

configureHttp({
  csrf: () => auth.csrf,
  lang: currentLang,
  onUnauthenticated: () => {
    const wasLoggedIn = auth.loggedIn
    auth.expire()
    const cur = router.currentRoute.value
    // The login page, and a page for anyone (certificate verification), stay where they are.
    if (cur.name === 'login' || cur.meta.anonymous) return
    if (wasLoggedIn) ElMessage.warning({ message: t('errors.sessionExpired'), grouping: true })
    void router.push(loginLocation(cur))
  },
  onForbidden: (err, method) => {
    if (err.key === 'auth.csrf') {
      // The session was renewed elsewhere (another tab logged in): take its token.
      void auth.fetchMe(true)
      ElMessage.warning({ message: t('errors.csrf'), grouping: true })
      return
    }
    if (method === 'GET') {
      void router.replace({ name: 'forbidden' })
      return
    }
    ElMessage.error({ message: t('errors.forbiddenWith', { msg: err.message }), grouping: true, showClose: true })
  },
  onConflict: (err) => {
    if (conflictOpen) return
    conflictOpen = true
    ElMessageBox.confirm(t('errors.conflictText', { detail: err.message }), t('errors.conflictTitle'), {
      type: 'warning',
      confirmButtonText: t('errors.conflictReload'),
      cancelButtonText: t('common.cancel'),
      closeOnClickModal: false,
    })
      .then(() => runConflictReload())
      .catch(() => {})
      .finally(() => (conflictOpen = false))
  },
})

app.mount('#app')
