import { defineUnit, resourceName } from "@highstate/pulumi";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { connection } from "./definition.js";

/** Thrown when the zones cannot be listed or a requested zone is not visible to the token. */
export class CloudflareZonesError extends Error {
  override name = "CloudflareZonesError";
}

interface Zone {
  id: string;
  name: string;
  accountId: string;
}

async function listZones(provider: cloudflare.Provider, instanceId: string, name?: string): Promise<Zone[]> {
  let results: cloudflare.GetZonesResult["results"];
  try {
    results = (await cloudflare.getZones(name ? { name } : {}, { provider })).results ?? [];
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).trim() || "the Cloudflare API refused the request";
    throw new CloudflareZonesError(
      `Cloudflare connection "${instanceId}" could not list the zones${name ? ` named "${name}"` : ""} its API token can see: ${reason}. Check the "apiToken" secret and give the token the Zone:Read permission`,
      { cause: error },
    );
  }
  return results.map((zone) => ({ id: zone.id, name: zone.name.toLowerCase(), accountId: zone.account?.id ?? "" }));
}

/**
 * Lists the zones the API token can see (all of them, or the ones in `zones`), and outputs a
 * `common.dns-provider.v1` with their ids as `implRef.data` and the token as its secret credentials.
 * It creates no resources besides the provider: records are created by the consumers, through
 * `@highstate/cloudflare/impl/dns-record` and `./impl/dns01-solver`.
 */
export default defineUnit(connection, (unit) => {
  const { args, secrets } = unit;
  const id = unit.instance.id;
  const provider = new cloudflare.Provider(resourceName(unit), { apiToken: secrets.apiToken });
  const zones = pulumi.output(
    (async () => {
      if (args.zones.length === 0) {
        const all = await listZones(provider, id);
        if (all.length === 0) {
          throw new CloudflareZonesError(
            `Cloudflare connection "${id}": the API token can see no zones. Give it Zone:Read on the zones to serve, or list them in the "zones" arg`,
          );
        }
        return all;
      }
      const found: Zone[] = [];
      for (const wanted of args.zones) {
        const match = (await listZones(provider, id, wanted)).find((zone) => zone.name === wanted.toLowerCase());
        if (!match) {
          throw new CloudflareZonesError(
            `Cloudflare connection "${id}": zone "${wanted}" from the "zones" arg is not visible to the API token. Check the spelling, or give the token Zone:Read on it`,
          );
        }
        found.push(match);
      }
      return found;
    })(),
  );
  const sorted = zones.apply((list) => [...list].sort((a, b) => a.name.localeCompare(b.name)));
  return {
    dnsProvider: {
      id: sorted.apply((list) => `cloudflare:${list[0]!.accountId || list[0]!.id}`),
      zones: sorted.apply((list) => list.map((zone) => zone.name)),
      implRef: {
        package: "@highstate/cloudflare",
        data: { zoneIds: sorted.apply((list) => Object.fromEntries(list.map((zone) => [zone.name, zone.id]))) },
      },
      credentials: { apiToken: secrets.apiToken },
    },
    $statusFields: { zones: { value: sorted.apply((list) => list.map((zone) => zone.name).join(", ")), title: "Zones" } },
  };
});
