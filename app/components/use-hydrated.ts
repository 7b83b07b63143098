import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * False while the server renders and while the page hydrates, true in the browser afterwards: for
 * markup that must match the server's first (a link without JavaScript, a button with it). One
 * external-store read, not an effect per component; a component mounted after hydration (a client
 * navigation) gets true at once.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
