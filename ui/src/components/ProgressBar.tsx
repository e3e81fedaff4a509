/** A labelled progress bar; the visible text is the same the screen reader hears. */
export function ProgressBar(props: { value: number; max: number; label: string; text: string }) {
  return (
    <div class="progress">
      <progress
        value={props.value}
        max={props.max > 0 ? props.max : 1}
        aria-label={props.label}
        aria-valuetext={props.text}
      />
      <span class="progress-text">{props.text}</span>
    </div>
  );
}
