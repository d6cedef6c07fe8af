/** @jsxImportSource hono/jsx */
/**
 * Server-rendered views of the review console (Hono JSX; no client-side build). Plain forms and links, so the
 * console works without JavaScript.
 */
import type { Child, FC } from "hono/jsx";
import type { StageRecord } from "../../contracts/incident.ts";
import { DECISION_CATEGORIES } from "./api.ts";
import type { QueueCount, IncidentView } from "./review-store.ts";
import type { Principal } from "./tokens.ts";

/** The console's one stylesheet, inline; the CSP allows exactly this text (by hash) and no other style or script. */
export const CONSOLE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f8}
header{background:#22223b;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center}
header a{color:#fff} main{max-width:1100px;margin:1rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left}
mark.flagged{background:#ffb4a2;padding:0 .1rem} .turn{white-space:pre-wrap;margin:.3rem 0}
.role{font-weight:600;margin-right:.4rem} .err{color:#a4161a} button{cursor:pointer}
form.inline{display:inline} textarea{width:100%;min-height:5rem}`;

/** Page shell. */
export const Layout: FC<{ title: string; principal?: Principal | undefined; children?: Child }> = (p) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>{`${p.title} - Portcullis review`}</title>
      <style>{CONSOLE_STYLE}</style>
    </head>
    <body>
      <header>
        <strong>Portcullis review</strong>
        {p.principal ? (
          <>
            <a href="/review">Queues</a>
            <a href="/review/signatures">Signatures</a>
            <span id="who">
              {p.principal.id} ({p.principal.role})
            </span>
            <form class="inline" method="post" action="/review/logout">
              <button type="submit">Log out</button>
            </form>
          </>
        ) : null}
      </header>
      <main>{p.children}</main>
    </body>
  </html>
);

/** Login form. */
export const LoginPage: FC<{ error?: string | undefined }> = ({ error }) => (
  <Layout title="Log in">
    <section>
      <h1>Log in</h1>
      {error ? (
        <p class="err" id="error">
          {error}
        </p>
      ) : null}
      <form method="post" action="/review/login">
        <label>
          Reviewer token <input id="token" name="token" type="password" autocomplete="off" required />
        </label>{" "}
        <button id="login" type="submit">
          Log in
        </button>
      </form>
    </section>
  </Layout>
);

/** Queue overview with claim buttons. */
export const QueuesPage: FC<{ principal: Principal; queues: QueueCount[]; notice?: string | undefined }> = (
  p,
) => (
  <Layout title="Queues" principal={p.principal}>
    <section>
      <h1>Review queues</h1>
      {p.notice ? <p id="notice">{p.notice}</p> : null}
      <table id="queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Waiting</th>
            <th>Oldest (s)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {p.queues.map((q) => (
            <tr data-queue={q.name}>
              <td>{q.name}</td>
              <td class="count">{q.count}</td>
              <td>{q.oldestAgeSeconds}</td>
              <td>
                <form class="inline" method="post" action="/review/claim">
                  <input type="hidden" name="queue" value={q.name} />
                  <button type="submit" disabled={q.count === 0}>
                    Claim
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/review/claim">
        <button id="claim" type="submit">
          Claim next
        </button>
      </form>
    </section>
  </Layout>
);

/** Text with `[start, end)` wrapped in a highlight. */
export const Highlighted: FC<{ text: string; span?: { start: number; end: number } | undefined }> = ({
  text,
  span,
}) => {
  if (!span || span.end <= span.start) return <>{text}</>;
  return (
    <>
      {text.slice(0, span.start)}
      <mark class="flagged">{text.slice(span.start, span.end)}</mark>
      {text.slice(span.end)}
    </>
  );
};

const Scores: FC<{ stages: StageRecord[] }> = ({ stages }) => (
  <table id="scores">
    <thead>
      <tr>
        <th>Stage</th>
        <th>Classifier</th>
        <th>Scores</th>
      </tr>
    </thead>
    <tbody>
      {stages.flatMap((s) =>
        s.classifiers.map((c) => (
          <tr>
            <td>
              {s.stage} ({s.action})
            </td>
            <td>{c.name}</td>
            <td>
              {Object.entries(c.scores)
                .map(([k, v]) => `${k}=${v.toFixed(2)}`)
                .join(" ") ||
                (c.error ?? "-")}
            </td>
          </tr>
        )),
      )}
    </tbody>
  </table>
);

/** One incident with the flagged span highlighted, the scores, and the decision and action forms. */
export const IncidentPage: FC<{ principal: Principal; view: IncidentView; notice?: string | undefined }> = ({
  principal,
  view,
  notice,
}) => {
  const { incident: i, review } = view;
  const span = i.span ?? undefined;
  const lastUser = [...i.conversation].reverse().find((t) => t.role === "user")?.text ?? "";
  const mine = review.status === "claimed" && review.reviewer === principal.id;
  return (
    <Layout title={i.id} principal={principal}>
      <section>
        <h1 id="incident-id">{i.id}</h1>
        {notice ? <p id="notice">{notice}</p> : null}
        <p>
          <b>{i.action}</b> · categories: {i.categories.join(", ") || "-"} · queue: {i.queue ?? "-"} · key:{" "}
          {i.keyId}
          {i.client.endUser ? (
            <>
              {" "}
              · end user: <span id="end-user">{i.client.endUser}</span>
              {i.client.userId ? ` (${i.client.userId})` : ""}
            </>
          ) : null}{" "}
          · policy {i.policy.name} v{i.policy.version} · {i.time} · status:{" "}
          <span id="status">{review.status}</span>
          {review.leaseExpiresAt ? ` · lease until ${new Date(review.leaseExpiresAt).toISOString()}` : ""}
        </p>
      </section>
      <section id="conversation">
        <h2>Conversation</h2>
        {i.conversation.map((t, n) => (
          <div class="turn">
            <span class="role">{t.role}:</span>
            <Highlighted
              text={t.text}
              span={span?.source === "conversation" && span.turn === n ? span : undefined}
            />
          </div>
        ))}
        {i.completion ? (
          <>
            <h2>Completion excerpt</h2>
            <div class="turn" id="completion">
              <Highlighted
                text={i.completion.excerpt}
                span={span?.source === "completion" ? span : undefined}
              />
            </div>
          </>
        ) : null}
      </section>
      <section>
        <h2>Classifier scores</h2>
        <Scores stages={i.stages} />
      </section>
      {mine ? <DecisionForms id={i.id} lastUser={lastUser} endUser={i.client.endUser !== undefined} /> : null}
    </Layout>
  );
};

const DecisionForms: FC<{ id: string; lastUser: string; endUser: boolean }> = ({ id, lastUser, endUser }) => (
  <>
    <section>
      <h2>Decide</h2>
      <form method="post" action={`/review/incidents/${id}/decision`}>
        <select id="decision" name="decision">
          <option value="violation">violation</option>
          <option value="benign">benign (false positive)</option>
          <option value="escalate">escalate</option>
        </select>{" "}
        <select id="category" name="category">
          <option value="">(category)</option>
          {DECISION_CATEGORIES.map((c) => (
            <option value={c}>{c}</option>
          ))}
        </select>{" "}
        <input id="note" name="note" placeholder="note" />{" "}
        <button id="decide" type="submit">
          Submit decision
        </button>
      </form>
    </section>
    <section>
      <h2>Act</h2>
      <form method="post" action={`/review/incidents/${id}/suspend-key`}>
        <input name="reason" placeholder="reason" required /> <button type="submit">Suspend key</button>
      </form>
      {endUser ? (
        <form method="post" action={`/review/incidents/${id}/suspend-end-user`}>
          <input name="reason" placeholder="reason" required />{" "}
          <button id="suspend-end-user" type="submit">
            Suspend end user (the key's other users keep working)
          </button>
        </form>
      ) : null}
      <form method="post" action={`/review/incidents/${id}/signature`}>
        <textarea name="text">{lastUser}</textarea>
        <input name="reason" placeholder="reason" required />{" "}
        <button type="submit">Add jailbreak signature</button>
      </form>
    </section>
  </>
);

/** An error page. */
export const ErrorPage: FC<{ status: number; message: string; principal?: Principal | undefined }> = (p) => (
  <Layout title="Error" principal={p.principal}>
    <section>
      <h1>{p.status}</h1>
      <p class="err" id="error">
        {p.message}
      </p>
      <a href="/review">Back to the queues</a>
    </section>
  </Layout>
);
