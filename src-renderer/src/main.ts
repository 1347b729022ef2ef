import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createDashboardClient, setDashboardClient } from './api';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import { useNotificationsStore } from './stores/notifications';
import './styles/main.css';

setDashboardClient(createDashboardClient());

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(createAppI18n());
app.use(createAppRouter());
// Bugs are shown, not swallowed: the person at the projector learns something failed.
const reportBug = (error: unknown): void => {
  console.error(error);
  useNotificationsStore(pinia).push('error', 'notify.bug', {
    message: error instanceof Error ? error.message : String(error),
  });
};
app.config.errorHandler = (error) => reportBug(error);
window.addEventListener('unhandledrejection', (event) => reportBug(event.reason));
app.mount('#app');
