/**
 * A page that throws while rendering, or whose code cannot be loaded (a lazy chunk gone after an
 * upgrade, a dropped connection), shows a message and a reload button instead of a blank app.
 */
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useI18n } from "../i18n/I18nProvider";

interface Props {
  children: ReactNode;
}

interface State {
  failed: boolean;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Logged so the browser tests, which fail on console errors, see every crash.
    console.error("Page crashed:", error, info.componentStack);
  }

  override render() {
    return this.state.failed ? <PageError /> : this.props.children;
  }
}

function PageError() {
  const { t } = useI18n();
  return (
    <section className="page" role="alert">
      <h1>{t("app.error.page")}</h1>
      <button type="button" className="button primary" onClick={() => window.location.reload()}>
        {t("app.reload")}
      </button>
    </section>
  );
}
