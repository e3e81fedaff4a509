import type { JSX } from "solid-js";
import { Show } from "solid-js";
import { useIsAdmin } from "../app-context.tsx";

/** Renders its content for admins; viewers who follow a link here get a clear answer. */
export function AdminOnly(props: { children: JSX.Element }) {
  const isAdmin = useIsAdmin();
  return (
    <Show
      when={isAdmin()}
      fallback={
        <section class="page narrow">
          <h1>Admins only</h1>
          <p>This page is for administrators of this StreamStack.</p>
        </section>
      }
    >
      {props.children}
    </Show>
  );
}
