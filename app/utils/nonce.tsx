import { createContext, useContext } from "react";

// The per-response CSP nonce, set by entry.server and read by the root's <Scripts>.
const NonceContext = createContext<string | undefined>(undefined);
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
