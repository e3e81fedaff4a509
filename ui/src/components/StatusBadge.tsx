import type { MediaStatus } from "@streamstack/contracts";

const LABEL: Record<MediaStatus, string> = {
  processing: "Processing",
  published: "Published",
  failed: "Failed",
};

export function StatusBadge(props: { status: MediaStatus }) {
  return <span class={`badge badge-${props.status}`}>{LABEL[props.status]}</span>;
}
