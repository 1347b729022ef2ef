/** Electron composition root (placeholder until the desktop app issue). */
import { app } from 'electron';

void app.whenReady();
