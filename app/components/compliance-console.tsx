import { Form, Link, useNavigation } from "@remix-run/react";
import type { VerifyProblem, VerifyReason } from "~/compliance/verify.server";
import { useT, type MessageKey } from "~/i18n";
import { DataTable } from "./data-table";
import { Time } from "./time";
import { Button, Card, Input } from "./ui";

// The compliance console's panels (app/routes/compliance._index.tsx): the search form, the results
// table and the chain verification.

export type ConsoleSearchValues = { q: string; author: string; from: string; to: string; includeDeleted: boolean };
export type ConsoleHit = { id: string; kind: string; author: string; authorDepartment: string; space: string | null; deleted: boolean; versions: number; at: string; excerpt: string };
export type VerifyResult = { ok: boolean; checked: number; problem: VerifyProblem | null };

const KINDS: Record<string, MessageKey> = {
  post: "compliance.kind.post",
  comment: "compliance.kind.comment",
  question: "compliance.kind.question",
  answer: "compliance.kind.answer",
};

const REASONS: Record<VerifyReason, MessageKey> = {
  "hash mismatch": "compliance.verify.reason.hashMismatch",
  "broken link": "compliance.verify.reason.brokenLink",
  "sequence gap": "compliance.verify.reason.sequenceGap",
  "sequence out of range": "compliance.verify.reason.outOfRange",
  "duplicate sequence": "compliance.verify.reason.duplicate",
  "head mismatch": "compliance.verify.reason.headMismatch",
  "head missing": "compliance.verify.reason.headMissing",
  "checkpoint mismatch": "compliance.verify.reason.checkpointMismatch",
  "bad signature": "compliance.verify.reason.badSignature",
  "unknown signing key": "compliance.verify.reason.unknownKey",
  "expire mismatch": "compliance.verify.reason.expireMismatch",
};

/** The search form: words, author, dates (inclusive), deleted items. */
export function ConsoleSearch({ values, errors }: { values: ConsoleSearchValues; errors: Record<string, string> }) {
  const { t } = useT();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location.pathname === "/compliance";
  return (
    <Card className="mb-8 p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("compliance.search.heading")}</h2>
      <Form method="get" action="/compliance" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Input
          label={t("compliance.search.q")}
          name="q"
          type="search"
          defaultValue={values.q}
          errors={errors.q}
          hint={t("compliance.search.qHint")}
          className="sm:col-span-2 lg:col-span-4"
        />
        <Input
          label={t("compliance.search.author")}
          name="author"
          type="email"
          autoComplete="off"
          defaultValue={values.author}
          errors={errors.author}
          className="sm:col-span-2"
        />
        <Input label={t("compliance.search.from")} name="from" type="date" defaultValue={values.from} errors={errors.from} />
        <Input label={t("compliance.search.to")} name="to" type="date" defaultValue={values.to} errors={errors.to} />
        <div className="flex flex-wrap items-center justify-between gap-4 sm:col-span-2 lg:col-span-4">
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <input type="checkbox" name="deleted" defaultChecked={values.includeDeleted} className="size-4 rounded border-slate-300" />
            {t("compliance.search.includeDeleted")}
          </label>
          <Button type="submit" disabled={searching}>
            {t("compliance.search.submit")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}


/** The items found, newest first; `limited` when the console's cap cut the list. */
export function Results({ hits, limited }: { hits: ConsoleHit[]; limited: boolean }) {
  const { t } = useT();
  return (
    <DataTable
      className="mb-8"
      caption={
        <>
          {t("compliance.results.title")}{" "}
          <span className="text-sm font-normal text-slate-500">
            ({t(hits.length === 1 ? "compliance.results.countOne" : "compliance.results.countOther", { count: hits.length })})
          </span>
        </>
      }
      columns={[
        t("compliance.results.time"),
        t("compliance.results.author"),
        t("compliance.results.space"),
        t("compliance.results.kind"),
        t("compliance.results.versions"),
        t("compliance.results.excerpt"),
      ]}
      note={limited ? t("compliance.results.limit") : null}
    >
      {hits.map((h) => {
        const kind = t(KINDS[h.kind] ?? "compliance.kind.other");
        return (
          <tr key={h.id} className="align-top">
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">
              <Time value={h.at} style="datetime" />
            </td>
            <td className="px-4 py-3">
              <span className="font-medium text-slate-900">{h.author}</span>
              <span className="block text-xs text-slate-500">{h.authorDepartment}</span>
            </td>
            <td className="px-4 py-3 text-slate-600">{h.space ?? t("compliance.results.orgWide")}</td>
            <td className="px-4 py-3 text-slate-600">
              {kind}
              {h.deleted ? (
                <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">
                  {t("compliance.results.deleted")}
                </span>
              ) : null}
            </td>
            <td className="px-4 py-3 text-slate-600 tabular-nums">{h.versions}</td>
            <td className="px-4 py-3">
              <Link
                to={`/compliance/items/${h.id}`}
                aria-label={t("compliance.results.open", { kind, name: h.author })}
                className="line-clamp-3 text-brand-700 hover:underline"
              >
                {h.excerpt || t("compliance.results.noText")}
              </Link>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Verify both chains now, and the checkpoint key to verify them from outside; `verify` is the last result. */
export function VerifyPanel({ signingKey, verify }: { signingKey: { keyId: string; pem: string }; verify: VerifyResult | null }) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <Card className="p-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="max-w-2xl space-y-1">
          <h2 className="text-base font-semibold text-slate-900">{t("compliance.verify.heading")}</h2>
          <p className="text-sm text-slate-600">{t("compliance.verify.hint")}</p>
        </div>
        <Form method="post">
          <input type="hidden" name="intent" value="verify" />
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("compliance.verify.submit")}
          </Button>
        </Form>
      </div>
      <div role="status" className="mt-4 empty:hidden">
        {verify?.ok ? (
          <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {t("compliance.verify.ok", { count: verify.checked })}
          </p>
        ) : verify?.problem ? (
          <p className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {t(verify.problem.id === null || verify.problem.reason === "sequence gap" ? "compliance.verify.brokenAt" : "compliance.verify.broken", {
              id: verify.problem.id ?? "",
              seq: verify.problem.seq ?? "",
              chain: t(verify.problem.chain === "archive" ? "compliance.verify.chain.archive" : "compliance.verify.chain.audit"),
              reason: t(REASONS[verify.problem.reason]),
              count: verify.checked,
            })}
          </p>
        ) : null}
      </div>
      <details className="mt-4 text-sm text-slate-600">
        <summary className="cursor-pointer font-medium text-slate-800">{t("compliance.verify.key", { keyId: signingKey.keyId })}</summary>
        <p className="mt-2">{t("compliance.verify.keyHint")}</p>
        <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs text-slate-800">{signingKey.pem}</pre>
      </details>
    </Card>
  );
}
