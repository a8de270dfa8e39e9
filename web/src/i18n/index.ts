// vue-i18n setup: zh-CN by default, English switchable, the choice kept in
// localStorage. Element Plus follows through <el-config-provider> in App.vue.
import { createI18n } from 'vue-i18n'
import type { Lang } from '@/api/http'
import zhCN, { type Messages } from './locales/zh-CN'
import en from './locales/en'

export const LANGS: Lang[] = ['zh-CN', 'en']
const STORAGE_KEY = 'tongban.lang'

export function storedLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    if (v === 'en' || v === 'zh-CN') return v
  } catch {
    // storage blocked: default
  }
  return 'zh-CN'
}

export const i18n = createI18n<[Messages], Lang, false>({
  legacy: false,
  locale: storedLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLang(): Lang {
  return i18n.global.locale.value as Lang
}

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  document.documentElement.lang = lang
}

/** t translates outside components (modules, stores). */
export const t = i18n.global.t
