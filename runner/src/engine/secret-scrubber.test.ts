import { describe, expect, it } from "vitest";
import { createSecretScrubber, secretMask } from "./secret-scrubber.js";

const secret = 'Pa55 w0rd/+"é~x';

describe("createSecretScrubber", () => {
  it("masks a secret as written and in the forms programs and providers re-encode it to", () => {
    const scrubber = createSecretScrubber({ password: secret });
    const bytes = Buffer.from(secret, "utf8");
    const forms = {
      plain: secret,
      upper: secret.toUpperCase(),
      lower: secret.toLowerCase(),
      json: JSON.stringify(secret).slice(1, -1),
      url: encodeURIComponent(secret),
      form: encodeURIComponent(secret).replace(/%20/g, "+"),
      base64: bytes.toString("base64"),
      base64url: bytes.toString("base64url"),
      hex: bytes.toString("hex"),
      hexUpper: bytes.toString("hex").toUpperCase(),
    };
    for (const [name, form] of Object.entries(forms)) {
      const scrubbed = scrubber.scrub(`before ${form} after`);
      expect(scrubbed, name).toBe(`before ${secretMask} after`);
    }
    // Inside a longer base64 text (e.g. an encoded config) at every byte alignment, nothing of it survives.
    for (const prefix of ["", "a", "ab", "abc"]) {
      const encoded = Buffer.from(`${prefix}user:${secret}:tail`).toString("base64");
      const scrubbed = scrubber.scrub(encoded);
      expect(scrubbed, prefix).toContain(secretMask);
      expect(Buffer.from(scrubbed.replace(secretMask, ""), "base64").toString("latin1"), prefix).not.toContain("w0rd");
    }
    // A JSON document that embeds it, as an event's message would.
    expect(scrubber.scrub(JSON.stringify({ config: { password: secret } }))).toBe(`{"config":{"password":"${secretMask}"}}`);
  });

  it("leaves ordinary text alone and does nothing without secrets", () => {
    const scrubber = createSecretScrubber({ token: "abcd1234efgh" });
    expect(scrubber.scrub("the deployment of web-1 finished in 3s")).toBe("the deployment of web-1 finished in 3s");
    expect(createSecretScrubber().scrub("anything")).toBe("anything");
  });
});
