import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Absolute path of a program: PATH first, then the sbin folders a non-root PATH often lacks. */
export function which(program: string): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/sbin"];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not here
    }
  }
  throw new Error(`${program} is not installed (run npm start or npm test: they install it)`);
}
