/** @module A sync server URL's password, in the user part or as libpq's `?password=`: kept out of sync.json and out of what is printed. */
import { expect, test } from "bun:test";
import { redactUrl, splitPassword } from "../../src/sync/settings.ts";

test("the password in the user part is taken out, and masked when printed", () => {
  expect(splitPassword("postgres://cairn:s3cret@db:5432/team")).toEqual({ url: "postgres://cairn@db:5432/team", password: "s3cret" });
  expect(redactUrl("postgres://cairn:s3cret@db/team")).toBe("postgres://cairn:***@db/team");
});

test("a ?password= parameter is taken out too, the other parameters kept (QA: stored and shown in clear)", () => {
  expect(splitPassword("postgres://cairn@db/team?password=s3cret")).toEqual({ url: "postgres://cairn@db/team", password: "s3cret" });
  expect(splitPassword("postgres://db/team?password=s3cret&sslmode=require")).toEqual({ url: "postgres://db/team?sslmode=require", password: "s3cret" });
  expect(splitPassword("postgres://db/team?sslmode=require&password=s3cret")).toEqual({ url: "postgres://db/team?sslmode=require", password: "s3cret" });
  expect(splitPassword("postgres://db/team?a=1&password=s3cret&b=2")).toEqual({ url: "postgres://db/team?a=1&b=2", password: "s3cret" });
  // The driver takes the name in any case (QA: ?PASSWORD= authenticated and stayed in clear).
  expect(splitPassword("postgres://db/team?PASSWORD=s3cret")).toEqual({ url: "postgres://db/team", password: "s3cret" });
  for (const url of ["postgres://cairn@db/team?password=s3cret", "postgres://db/team?sslmode=require&password=s3cret"]) expect(redactUrl(url)).not.toContain("s3cret");
  expect(splitPassword("postgres://db/team?sslmode=require")).toEqual({ url: "postgres://db/team?sslmode=require", password: null });
});
