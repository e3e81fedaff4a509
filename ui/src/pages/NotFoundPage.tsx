import { A } from "@solidjs/router";

export function NotFoundPage() {
  return (
    <section class="page narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <A href="/">Back to the catalogue</A>
      </p>
    </section>
  );
}
