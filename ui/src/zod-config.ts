import { z } from "zod";

// The gateway's CSP forbids eval. zod decides per object schema, when the schema is
// built, whether to compile a fast parser with `new Function`; probing for it is
// reported as a CSP violation even though zod catches the error. So this module must be
// evaluated before any schema is built: main.tsx imports it first.
z.config({ jitless: true });
