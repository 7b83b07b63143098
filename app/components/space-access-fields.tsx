import { Input, Select } from "~/components/ui";
import { useT } from "~/i18n";
import { JOIN_POLICIES, SPACE_VISIBILITIES } from "~/spaces/space-options";

type FieldErrors = Partial<Record<"visibility" | "joinPolicy" | "departments", string | readonly string[] | null>>;

/** Who may see and join a space: the same three fields on the create form and on the space's settings. */
export function SpaceAccessFields({ visibility, joinPolicy, departments, errors }: { visibility: string; joinPolicy: string; departments?: string; errors: FieldErrors }) {
  const { t } = useT();
  return (
    <>
      <Select label={t("spaces.form.visibility")} name="visibility" defaultValue={visibility} errors={errors.visibility}>
        {SPACE_VISIBILITIES.map((v) => (
          <option key={v} value={v}>
            {t(`spaces.visibilityOption.${v}` as const)}
          </option>
        ))}
      </Select>
      <Select label={t("spaces.form.joinPolicy")} name="joinPolicy" defaultValue={joinPolicy} errors={errors.joinPolicy}>
        {JOIN_POLICIES.map((p) => (
          <option key={p} value={p}>
            {t(`spaces.joinPolicy.${p}` as const)}
          </option>
        ))}
      </Select>
      <Input label={t("spaces.form.departments")} name="departments" defaultValue={departments} hint={t("spaces.form.departmentsHint")} errors={errors.departments} />
    </>
  );
}
