import { z } from "@highstate/contract";

/** The `implRef.data` of a Traefik gateway: what routes need to attach to it. */
export const traefikGatewayDataSchema = z
  .object({
    /** The GatewayClass Traefik serves; routes create Gateways of this class. */
    className: z.string().min(1),
    /** The port of Traefik's `web` entry point, which plain-HTTP listeners use. */
    httpPort: z.number().int().min(1).max(65535),
    /** The port of Traefik's `websecure` entry point, which HTTPS listeners use. */
    httpsPort: z.number().int().min(1).max(65535),
  })
  .strict();
export type TraefikGatewayData = z.output<typeof traefikGatewayDataSchema>;

/** The chart Traefik is installed from, pinned. */
export const traefikChart = { chart: "traefik", version: "38.0.2", repository: "https://traefik.github.io/charts" } as const;

/** Traefik's entry point ports in the chart (container ports of `web` and `websecure`). */
export const entryPointPorts = { http: 8000, https: 8443 } as const;
