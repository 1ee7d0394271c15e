import { describe, expect, it } from "vitest";
import { redirectFor, returnPath, type Session } from "./redirect";

const user: Session = { status: "authenticated", mustChangePassword: false };
const mustChange: Session = { status: "authenticated", mustChangePassword: true };

describe("redirectFor", () => {
  it("sends everyone to the wizard while setup is needed", () => {
    expect(redirectFor({ status: "setup" }, "/home")).toBe("/setup");
    expect(redirectFor({ status: "setup" }, "/login")).toBe("/setup");
    expect(redirectFor({ status: "setup" }, "/setup")).toBeNull();
  });

  it("sends a logged-out visitor to the login page", () => {
    expect(redirectFor({ status: "anonymous" }, "/albums")).toBe("/login");
    expect(redirectFor({ status: "anonymous" }, "/setup")).toBe("/login");
    expect(redirectFor({ status: "anonymous" }, "/login")).toBeNull();
  });

  it("confines a user with a temporary password to the password change", () => {
    expect(redirectFor(mustChange, "/home")).toBe("/first-login");
    expect(redirectFor(mustChange, "/login")).toBe("/first-login");
    expect(redirectFor(mustChange, "/first-login")).toBeNull();
  });

  it("sends a signed-in user from the entry pages to home and lets other pages through", () => {
    for (const path of ["/", "/login", "/setup", "/first-login"]) expect(redirectFor(user, path)).toBe("/home");
    expect(redirectFor(user, "/home")).toBeNull();
    expect(redirectFor(user, "/album/42")).toBeNull();
  });

  it("waits while the session is unknown", () => {
    expect(redirectFor({ status: "loading" }, "/home")).toBeNull();
    expect(redirectFor({ status: "unreachable" }, "/home")).toBeNull();
  });
});

describe("returnPath", () => {
  it("returns to a local page after login", () => {
    expect(returnPath("/album/7?disc=2")).toBe("/album/7?disc=2");
  });

  it("never leaves the site or loops back to an entry page", () => {
    expect(returnPath(null)).toBe("/home");
    expect(returnPath("https://evil.example/")).toBe("/home");
    expect(returnPath("//evil.example/")).toBe("/home");
    expect(returnPath("/login?next=/x")).toBe("/home");
  });
});
