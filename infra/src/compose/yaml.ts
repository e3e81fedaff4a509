// A YAML writer for the compose document: plain objects, arrays, strings, numbers and
// booleans only. Strings are always double-quoted (JSON escapes are valid YAML), so no
// value can be read back as another type ("yes", "8080", "1e3") whatever it holds.

export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function scalar(v: string | number | boolean): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function isEmpty(v: YamlValue): boolean {
  return typeof v === "object" && Object.keys(v).length === 0;
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== "object" || isEmpty(item)) return [`${indent}- ${inline(item)}`];
      const [first = "", ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v !== "object" || isEmpty(v) || flow(v)
        ? [`${indent}${key(k)}: ${inline(v)}`]
        : [`${indent}${key(k)}:`, ...lines(v, `${indent}  `)],
    );
  }
  return [`${indent}${scalar(value)}`];
}

/** Short lists of scalars read best on one line: ["CMD", "pg_isready", ...]. */
function flow(v: YamlValue): string | undefined {
  if (!Array.isArray(v) || v.some((i) => typeof i === "object")) return undefined;
  const text = `[${v.map((i) => scalar(i as string | number | boolean)).join(", ")}]`;
  return text.length <= 80 ? text : undefined;
}

function inline(v: YamlValue): string {
  if (Array.isArray(v)) return flow(v) ?? "[]";
  if (typeof v === "object") return "{}";
  return scalar(v);
}

/** The document as YAML text, keys in insertion order, ending with a newline. */
export function toYaml(doc: { [key: string]: YamlValue }): string {
  return `${lines(doc, "").join("\n")}\n`;
}
