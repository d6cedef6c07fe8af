/** @jsxImportSource hono/jsx */
/** The console's signatures page: every stored jailbreak signature, each with a form to remove it (audited). */
import type { FC } from "hono/jsx";
import type { SignatureRecord } from "../../contracts/admin.ts";
import type { Principal } from "./tokens.ts";
import { Layout } from "./views.tsx";

/** How much of a signature's text the list shows. */
const PREVIEW_CHARS = 160;

const SignatureRow: FC<{ s: SignatureRecord; now: number }> = ({ s, now }) => (
  <tr data-signature={s.id}>
    <td>{s.id}</td>
    <td class="turn">{s.text.length > PREVIEW_CHARS ? `${s.text.slice(0, PREVIEW_CHARS)}…` : s.text}</td>
    <td>
      {s.author} · {s.createdAt}
      {s.incidentId ? ` · from ${s.incidentId}` : ""}
    </td>
    <td>{s.expiresAt === null ? "never" : Date.parse(s.expiresAt) <= now ? "expired" : s.expiresAt}</td>
    <td>
      <form class="inline" method="post" action={`/review/signatures/${s.id}/remove`}>
        <input name="reason" placeholder="reason" required />{" "}
        <button type="submit" class="remove">
          Remove
        </button>
      </form>
    </td>
  </tr>
);

/** The list with remove forms. */
export const SignaturesPage: FC<{
  principal: Principal;
  signatures: SignatureRecord[];
  notice?: string | undefined;
}> = (p) => {
  const now = Date.now();
  return (
    <Layout title="Signatures" principal={p.principal}>
      <section>
        <h1>Jailbreak signatures</h1>
        {p.notice ? <p id="notice">{p.notice}</p> : null}
        {p.signatures.length === 0 ? <p>No signatures.</p> : null}
        <table id="signatures">
          <thead>
            <tr>
              <th>Id</th>
              <th>Text</th>
              <th>Added</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {p.signatures.map((s) => (
              <SignatureRow s={s} now={now} />
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
};
