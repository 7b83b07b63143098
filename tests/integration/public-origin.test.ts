import { afterEach, describe, expect, it } from "vitest";
import { allowedOrigins, publicOrigin } from "../../app/env.server";

// The origins the Origin check allows come from configuration only (never a request's Host).

const saved = { PUBLIC_URL: process.env.PUBLIC_URL, TRUSTED_ORIGINS: process.env.TRUSTED_ORIGINS, PORT: process.env.PORT };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("allowed origins", () => {
  it("are PUBLIC_URL's origin plus TRUSTED_ORIGINS", () => {
    process.env.PUBLIC_URL = "https://atrium.bank.example/some/path/";
    process.env.TRUSTED_ORIGINS = "https://admin.bank.example, https://x.example:8443/";
    expect(publicOrigin()).toBe("https://atrium.bank.example");
    expect(allowedOrigins()).toEqual(["https://atrium.bank.example", "https://admin.bank.example", "https://x.example:8443"]);
  });

  it("default to the loopback spellings of http://localhost:$PORT without PUBLIC_URL", () => {
    delete process.env.PUBLIC_URL;
    delete process.env.TRUSTED_ORIGINS;
    process.env.PORT = "3456";
    expect(publicOrigin()).toBe("http://localhost:3456");
    expect(allowedOrigins()).toEqual(["http://localhost:3456", "http://127.0.0.1:3456", "http://[::1]:3456"]);
  });

  it("name a bad TRUSTED_ORIGINS entry", () => {
    process.env.TRUSTED_ORIGINS = "not a url";
    expect(() => allowedOrigins()).toThrow(/TRUSTED_ORIGINS: "not a url"/);
  });
});
