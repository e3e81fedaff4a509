import { createSignal } from "solid-js";

/**
 * Where files enter the upload queue: dropped anywhere on the zone, or picked with the
 * labelled file input inside it (the keyboard path).
 */
export function DropZone(props: { onFiles: (files: File[]) => void }) {
  const [over, setOver] = createSignal(false);
  let depth = 0; // dragenter/leave fire for every child: count to know when we truly left

  const take = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length > 0) props.onFiles(files);
  };

  return (
    <section
      aria-label="Add videos"
      class="dropzone"
      classList={{ over: over() }}
      onDragEnter={(e) => {
        e.preventDefault();
        depth++;
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth = Math.max(0, depth - 1);
        if (depth === 0) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        depth = 0;
        setOver(false);
        take(e.dataTransfer?.files);
      }}
    >
      <p>Drop video files here, or</p>
      <label class="file-button">
        Choose videos…
        <input
          type="file"
          accept="video/*"
          multiple
          onChange={(e) => {
            take(e.currentTarget.files);
            e.currentTarget.value = ""; // picking the same file again still reports it
          }}
        />
      </label>
    </section>
  );
}
