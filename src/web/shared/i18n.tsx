/**
 * UI language: zh-CN by default, English on request, remembered per browser.
 * Dictionaries are plain objects; the English one must have exactly the
 * Chinese one's keys (checked by the type system), so no string is left
 * untranslated. `{name}` placeholders are filled from `vars`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from './api.js';

export type Locale = 'zh-CN' | 'en';
const LOCALE_KEY = 'fengqiao.locale';

export type Dictionary<K extends string> = Record<K, string>;

export interface I18n<K extends string> {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: K, vars?: Record<string, string | number>): string;
  /** Looks up a dynamic key (e.g. `status.${value}`), falling back to the raw value when absent. */
  tx(key: string, fallback?: string, vars?: Record<string, string | number>): string;
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage may be disabled; fall back to the default */
  }
  return 'zh-CN';
}

function fill(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Builds a typed provider and hook over a pair of dictionaries. */
export function createI18n<K extends string>(dictionaries: { 'zh-CN': Dictionary<K>; en: Dictionary<K> }) {
  const Ctx = createContext<I18n<K> | null>(null);

  function I18nProvider({ children }: { children: ReactNode }) {
    const [locale, setLocaleState] = useState<Locale>(initialLocale);
    setApiLanguage(locale);
    useEffect(() => {
      document.documentElement.lang = locale;
    }, [locale]);
    const setLocale = useCallback((next: Locale) => {
      try {
        localStorage.setItem(LOCALE_KEY, next);
      } catch {
        /* not remembered, still switched */
      }
      setApiLanguage(next);
      setLocaleState(next);
    }, []);
    const value = useMemo<I18n<K>>(() => {
      const dict = dictionaries[locale] as Record<string, string>;
      return {
        locale,
        setLocale,
        t: (key, vars) => fill(dict[key] ?? key, vars),
        tx: (key, fallback, vars) => fill(dict[key] ?? fallback ?? key, vars),
      };
    }, [locale, setLocale]);
    return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
  }

  function useI18n(): I18n<K> {
    const value = useContext(Ctx);
    if (!value) throw new Error('useI18n outside I18nProvider');
    return value;
  }

  return { I18nProvider, useI18n };
}
