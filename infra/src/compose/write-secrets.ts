// `npm run compose:secrets -w infra`: ./secrets/ for compose.yaml (see secrets.ts).
import { fileURLToPath } from "node:url";
import { initSecrets } from "./secrets.ts";

const dir = fileURLToPath(new URL("../../../secrets/", import.meta.url));
const created = initSecrets(dir);
console.log(
  `${dir}: created ${created.length ? created.join(", ") : "nothing (all present)"}; rendered nats_auth_conf`,
);
