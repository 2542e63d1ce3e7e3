import { describe, expect, it } from "vitest";
import { accessToken, authorizationHeaders, captureAccessToken } from "./access-token.js";

function capture(href: string): { token: string | undefined; replaced: string | undefined } {
  let replaced: string | undefined;
  const url = new URL(href);
  const token = captureAccessToken({ href, hash: url.hash }, (next) => {
    replaced = next;
  });
  return { token, replaced };
}

describe("captureAccessToken", () => {
  it("takes the token out of the fragment and leaves the rest of the address", () => {
    expect(capture("http://127.0.0.1:3000/#token=abc_DEF-1")).toEqual({ token: "abc_DEF-1", replaced: "/" });
    expect(capture("http://127.0.0.1:3000/#token=t2#/projects/lab")).toEqual({
      token: "t2",
      replaced: "http://127.0.0.1:3000/#/projects/lab",
    });
    expect(capture("http://127.0.0.1:3000/#/projects/lab?token=t3")).toEqual({
      token: "t3",
      replaced: "http://127.0.0.1:3000/#/projects/lab",
    });
    expect(authorizationHeaders()).toEqual({ authorization: "Bearer t3" });
  });

  it("keeps the token it has when the address carries none", () => {
    expect(capture("http://127.0.0.1:3000/#/projects/lab")).toEqual({ token: accessToken(), replaced: undefined });
  });
});
