/** Entry point: theme before the first paint, the service worker, then the providers and the router. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { AuthProvider } from "./auth/AuthProvider";
import { I18nProvider } from "./i18n/I18nProvider";
import { PlayerProvider } from "./player";
import { registerServiceWorker } from "./pwa/register";
import "./styles.css";
import { startTheme } from "./theme/theme";

startTheme();
registerServiceWorker();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <AuthProvider>
        <PlayerProvider>
          <App />
        </PlayerProvider>
      </AuthProvider>
    </I18nProvider>
  </StrictMode>,
);
