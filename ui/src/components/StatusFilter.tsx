import type { MediaListQuery } from "@streamstack/contracts";

type Filter = NonNullable<MediaListQuery["status"]>;
const OPTIONS: [Filter, string][] = [
  ["all", "All"],
  ["processing", "Processing"],
  ["published", "Published"],
  ["failed", "Failed"],
];

/** Admins only: narrow the catalogue to one status. */
export function StatusFilter(props: { value: Filter; onChange: (value: Filter) => void }) {
  return (
    <label class="inline">
      Status
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Filter)}>
        {OPTIONS.map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
      </select>
    </label>
  );
}
