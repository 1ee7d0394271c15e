import { describe, expect, it } from "vitest";
import { nextTheme, resolveTheme } from "./theme";

describe("theme", () => {
  it("auto follows the system preference; dark and light are fixed", () => {
    expect(resolveTheme("auto", true)).toBe("dark");
    expect(resolveTheme("auto", false)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
  });

  it("the toggle cycles dark, light, auto", () => {
    expect(nextTheme("dark")).toBe("light");
    expect(nextTheme("light")).toBe("auto");
    expect(nextTheme("auto")).toBe("dark");
  });
});
