import { createApp } from 'vue';
import { createPinia } from 'pinia';
import SpectatorApp from './SpectatorApp.vue';
import { createAppI18n } from '@renderer/i18n';
import '@renderer/styles/main.css';

// The spectator page on the host's peer port: read only, no window.api, no token (see SpectatorApp).
const app = createApp(SpectatorApp);
app.use(createPinia());
app.use(createAppI18n());
app.config.errorHandler = (error) => console.error(error);
app.mount('#app');
