import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Link } from "~/components/link";
import { plural } from "~/components/post-card";
import { SpaceAccessFields } from "~/components/space-access-fields";
import { MemberBadge, VisibilityBadge, type SpaceVisibility } from "~/components/space-badges";
import { Button, Card, EmptyState, FormError, Input, PageHeader, Textarea } from "~/components/ui";
import { useT } from "~/i18n";

export type DirectorySpace = { id: string; slug: string; name: string; description: string; visibility: SpaceVisibility; members: number; isMember: boolean };
/** What the create action answers on bad input: messages per field and the values sent. */
export type CreateFailure = { errors?: Record<string, string>; values?: Record<string, string> };

/** "Équipe Conformité 2025" → "equipe-conformite-2025" */
function suggestSlug(name: string) {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

/** The directory's link to another page, keeping the search. */
function pageHref(q: string, page: number) {
  const sp = new URLSearchParams();
  if (q) sp.set("q", q);
  if (page > 0) sp.set("page", String(page));
  const s = sp.toString();
  return s ? `/spaces?${s}` : "/spaces";
}

/** The directory: its search, a page of spaces, previous / next, and the form to create one. */
export function SpacesDirectory({ spaces, query, more, failed }: { spaces: DirectorySpace[]; query: { q: string; page: number }; more: boolean; failed?: CreateFailure }) {
  const { t, locale } = useT();
  return (
    <>
      <PageHeader title={t("spaces.title")} description={t("spaces.description")} />
      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <section aria-labelledby="spaces-list">
          <h2 id="spaces-list" className="sr-only">
            {t("spaces.directory.listTitle")}
          </h2>
          <Form method="get" role="search" className="mb-4 flex flex-wrap items-end gap-3">
            <Input label={t("spaces.directory.searchLabel")} name="q" type="search" defaultValue={query.q} maxLength={100} className="min-w-56 flex-1" />
            <Button type="submit" variant="secondary">
              {t("spaces.directory.search")}
            </Button>
          </Form>
          {spaces.length === 0 ? (
            query.q ? (
              <EmptyState title={t("spaces.directory.noMatchTitle", { query: query.q })} description={t("spaces.directory.noMatchBody")} />
            ) : (
              <EmptyState title={t("spaces.emptyTitle")} description={t("spaces.emptyBody")} />
            )
          ) : (
            <ul className="grid gap-4 sm:grid-cols-2">
              {spaces.map((s) => (
                <li key={s.id}>
                  <Card className="flex h-full flex-col p-4">
                    <div className="flex items-start justify-between gap-2">
                      <h3 className="font-semibold text-slate-900">
                        <Link to={`/spaces/${s.slug}`} className="hover:underline">
                          {s.name}
                        </Link>
                      </h3>
                      <VisibilityBadge visibility={s.visibility} />
                    </div>
                    {s.description ? <p className="mt-1 line-clamp-3 text-sm text-slate-600">{s.description}</p> : null}
                    <div className="mt-auto flex items-center gap-2 pt-3 text-xs text-slate-500">
                      <span>{t(plural(locale, s.members, "spaces.directory.membersOne", "spaces.directory.membersOther"), { count: s.members })}</span>
                      {s.isMember ? <MemberBadge /> : null}
                    </div>
                  </Card>
                </li>
              ))}
            </ul>
          )}
          {query.page > 0 || more ? (
            <nav aria-label={t("spaces.directory.pages")} className="mt-4 flex justify-between text-sm">
              {query.page > 0 ? (
                <Link to={pageHref(query.q, query.page - 1)} className="text-brand-700 hover:underline">
                  {t("spaces.directory.previous")}
                </Link>
              ) : (
                <span />
              )}
              {more ? (
                <Link to={pageHref(query.q, query.page + 1)} className="text-brand-700 hover:underline">
                  {t("spaces.directory.next")}
                </Link>
              ) : null}
            </nav>
          ) : null}
        </section>
        <CreateSpaceForm failed={failed} />
      </div>
    </>
  );
}

function CreateSpaceForm({ failed }: { failed?: CreateFailure }) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const [name, setName] = useState(values.name ?? "");
  const [slug, setSlug] = useState(values.slug ?? "");
  const [slugEdited, setSlugEdited] = useState(Boolean(values.slug));
  return (
    <Card className="h-fit p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("spaces.create.title")}</h2>
      <Form method="post" className="mt-4 space-y-4">
        <FormError>{Object.keys(errors).length ? t("form.fixErrors") : null}</FormError>
        <Input
          label={t("spaces.form.name")}
          name="name"
          required
          maxLength={80}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugEdited) setSlug(suggestSlug(e.target.value));
          }}
          errors={errors.name}
        />
        <Input
          label={t("spaces.form.slug")}
          name="slug"
          required
          pattern="[a-z0-9\-]{2,60}"
          value={slug}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(e.target.value !== "");
          }}
          hint={t("spaces.form.slugHint")}
          errors={errors.slug}
          inputClassName="font-mono"
        />
        <Textarea label={t("spaces.form.description")} name="description" maxLength={1000} defaultValue={values.description} errors={errors.description} />
        <SpaceAccessFields visibility={values.visibility ?? "open"} joinPolicy={values.joinPolicy ?? "open"} departments={values.departments} errors={errors} />
        <Button type="submit" disabled={busy} className="w-full">
          {t("spaces.create.submit")}
        </Button>
      </Form>
    </Card>
  );
}
