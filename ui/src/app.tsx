import { Route, Router } from "@solidjs/router";
import { AppProvider, type AppServices } from "./app-context.tsx";
import { Layout } from "./components/Layout.tsx";
import { CataloguePage } from "./pages/CataloguePage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { OpsPage } from "./pages/OpsPage.tsx";
import { RegisterPage } from "./pages/RegisterPage.tsx";
import { UploadPage } from "./pages/UploadPage.tsx";
import { WatchPage } from "./pages/WatchPage.tsx";

/** The route table; `Layout` guards everything but sign-in and registration. */
export function AppRoutes() {
  return (
    <>
      <Route path="/login" component={LoginPage} />
      <Route path="/register" component={RegisterPage} />
      <Route path="/" component={CataloguePage} />
      <Route path="/watch/:id" component={WatchPage} />
      <Route path="/upload" component={UploadPage} />
      <Route path="/ops" component={OpsPage} />
      <Route path="*404" component={NotFoundPage} />
    </>
  );
}

export function App(props: { services: AppServices }) {
  return (
    <AppProvider services={props.services}>
      <Router root={Layout}>
        <AppRoutes />
      </Router>
    </AppProvider>
  );
}
