import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createDashboardClient, setDashboardClient } from './api';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import './styles/main.css';

setDashboardClient(createDashboardClient());

const app = createApp(App);
app.use(createPinia());
app.use(createAppI18n());
app.use(createAppRouter());
app.mount('#app');
