// The capability names and the request fields this package relies on. A real package imports the
// interfaces from @highstate/common and @highstate/k8s; the fixture mirrors the fields it reads so it
// needs nothing but @highstate/pulumi installed.
import { defineCapability } from "@highstate/pulumi/capabilities";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const resources = z.array(z.custom((value) => pulumi.Resource.isInstance(value)));

export const dnsRecord = defineCapability({
  name: "dns-record",
  description: "DNS records",
  request: z.looseObject({ name: z.string(), zone: z.string(), type: z.string(), values: z.array(z.string()), credentials: z.record(z.string(), z.string()) }),
  result: z.object({ resources }),
});

export const dns01Solver = defineCapability({
  name: "dns01-solver",
  description: "DNS-01 solver",
  request: z.looseObject({ zones: z.array(z.string()), credentials: z.record(z.string(), z.string()), namespace: z.string(), secretName: z.string(), provider: z.any() }),
  result: z.object({ dns01: z.record(z.string(), z.unknown()), resources }),
});

export const dataSchema = z.object({ endpoint: z.url(), zones: z.record(z.string(), z.number().int().positive()) }).strict();
