import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** The i18n key of the screen's name. */
    titleKey?: string;
  }
}
