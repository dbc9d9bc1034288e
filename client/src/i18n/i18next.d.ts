import 'i18next';
import type { Messages } from './locales/ru';

// Typed keys: t('waves.titel') fails the typecheck.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}
