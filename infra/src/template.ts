/**
 * Fills `${NAME}` placeholders, the same syntax envsubst (compose) understands; nginx's own
 * `$name` variables pass through untouched. A placeholder without a value is an error, so a
 * typo cannot silently produce a broken config.
 */
export function renderTemplate(template: string, vars: Record<string, string | number>): string {
  const missing = new Set<string>();
  const text = template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_match, name: string) => {
    const value = vars[name];
    if (value === undefined) missing.add(name);
    return String(value ?? "");
  });
  if (missing.size > 0)
    throw new Error(`Template variables without a value: ${[...missing].join(", ")}`);
  return text;
}
