import "./zod-config.ts"; // first: before @streamstack/contracts builds its schemas
import { render } from "solid-js/web";
import { App } from "./app.tsx";
import { createBrowserServices } from "./services.ts";
import "./styles.css";

const services = createBrowserServices();
void services.session.restore();
render(() => <App services={services} />, document.getElementById("root")!);
