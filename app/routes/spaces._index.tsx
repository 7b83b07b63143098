import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { SpacesDirectory } from "~/components/spaces-directory";
import { CreateSpaceSchema, createSpaceFromForm } from "~/spaces/spaces-forms.server";
import { listSpaces } from "~/spaces/spaces.server";
import { metaTitle, translate } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "spaces.title");

const DirectoryQuery = z.object({
  q: z.string().trim().max(100).catch(""),
  page: z.coerce.number().int().min(0).max(10_000).catch(0),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const query = DirectoryQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ query, ...(await listSpaces(viewer, query)) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, CreateSpaceSchema, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await createSpaceFromForm(viewer, parsed.data);
  if (!result.ok) {
    const values = Object.fromEntries([...parsed.form.entries()].map(([k, v]) => [k, String(v)]));
    return badRequest({ errors: { [result.field]: translate(locale, result.error) }, values });
  }
  return redirect(`/spaces/${result.space.slug}`);
}

export default function SpacesPage() {
  const { spaces, query, more } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  return <SpacesDirectory spaces={spaces} query={query} more={more} failed={failed} />;
}
