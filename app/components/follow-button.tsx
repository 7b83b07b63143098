import { useFetcher } from "@remix-run/react";
import { useT } from "~/i18n";
import { Button, type ButtonSize } from "./ui";

/**
 * Follow/unfollow toggle posting `intent=follow|unfollow` to `action` (default: the
 * current route). Shows the new state while the request is in flight.
 */
export function FollowButton({ following, name, action, size = "md" }: { following: boolean; name: string; action?: string; size?: ButtonSize }) {
  const { t } = useT();
  const fetcher = useFetcher();
  const pending = fetcher.formData?.get("intent");
  const on = pending === "follow" ? true : pending === "unfollow" ? false : following;
  return (
    <fetcher.Form method="post" action={action}>
      <input type="hidden" name="intent" value={on ? "unfollow" : "follow"} />
      <Button
        type="submit"
        variant={on ? "secondary" : "primary"}
        size={size}
        aria-label={on ? t("follow.unfollowLabel", { name }) : t("follow.followLabel", { name })}
      >
        {on ? t("follow.unfollow") : t("follow.follow")}
      </Button>
    </fetcher.Form>
  );
}
