import protobuf from "protobufjs";

/*
 * The few Talos API messages this package uses, written by hand from Talos's published protobuf
 * definitions (`api/common/common.proto`, `api/machine/machine.proto`, `api/storage/storage.proto`,
 * v1.11; the paths and field numbers are unchanged on later versions). Fields not listed here are
 * skipped when decoding, as protobuf allows.
 */
const descriptor = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Empty: { fields: {} },
            Duration: { fields: { seconds: { type: "int64", id: 1 }, nanos: { type: "int32", id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: { fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 } } },
          },
        },
      },
    },
    common: {
      nested: {
        Metadata: {
          fields: { hostname: { type: "string", id: 1 }, error: { type: "string", id: 2 }, status: { type: "google.rpc.Status", id: 3 } },
        },
        Data: { fields: { metadata: { type: "Metadata", id: 1 }, bytes: { type: "bytes", id: 2 } } },
      },
    },
    machine: {
      nested: {
        ApplyConfigurationRequest: {
          fields: {
            data: { type: "bytes", id: 1 },
            mode: { type: "Mode", id: 4 },
            dryRun: { type: "bool", id: 5 },
            tryModeTimeout: { type: "google.protobuf.Duration", id: 6 },
          },
          nested: { Mode: { values: { REBOOT: 0, AUTO: 1, NO_REBOOT: 2, STAGED: 3, TRY: 4 } } },
        },
        ApplyConfiguration: {
          fields: {
            metadata: { type: "common.Metadata", id: 1 },
            warnings: { rule: "repeated", type: "string", id: 2 },
            mode: { type: "ApplyConfigurationRequest.Mode", id: 3 },
            modeDetails: { type: "string", id: 4 },
          },
        },
        ApplyConfigurationResponse: { fields: { messages: { rule: "repeated", type: "ApplyConfiguration", id: 1 } } },
        BootstrapRequest: { fields: { recoverEtcd: { type: "bool", id: 1 }, recoverSkipHashCheck: { type: "bool", id: 2 } } },
        Bootstrap: { fields: { metadata: { type: "common.Metadata", id: 1 } } },
        BootstrapResponse: { fields: { messages: { rule: "repeated", type: "Bootstrap", id: 1 } } },
        VersionInfo: {
          fields: {
            tag: { type: "string", id: 1 },
            sha: { type: "string", id: 2 },
            built: { type: "string", id: 3 },
            goVersion: { type: "string", id: 4 },
            os: { type: "string", id: 5 },
            arch: { type: "string", id: 6 },
          },
        },
        PlatformInfo: { fields: { name: { type: "string", id: 1 }, mode: { type: "string", id: 2 } } },
        Version: {
          fields: {
            metadata: { type: "common.Metadata", id: 1 },
            version: { type: "VersionInfo", id: 2 },
            platform: { type: "PlatformInfo", id: 3 },
          },
        },
        VersionResponse: { fields: { messages: { rule: "repeated", type: "Version", id: 1 } } },
      },
    },
    storage: {
      nested: {
        Disk: { fields: { size: { type: "uint64", id: 1 }, model: { type: "string", id: 2 }, deviceName: { type: "string", id: 3 } } },
        Disks: { fields: { metadata: { type: "common.Metadata", id: 1 }, disks: { rule: "repeated", type: "Disk", id: 2 } } },
        DisksResponse: { fields: { messages: { rule: "repeated", type: "Disks", id: 1 } } },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** The `ApplyConfigurationRequest.Mode` values. Always set one: the protobuf default (0) is REBOOT. */
export const applyModes = { REBOOT: 0, AUTO: 1, NO_REBOOT: 2, STAGED: 3, TRY: 4 } as const;
export type ApplyMode = keyof typeof applyModes;

/** A Talos API method: its path, message types and whether the server streams the reply. */
export interface TalosMethod {
  path: string;
  request: protobuf.Type;
  response: protobuf.Type;
  serverStream: boolean;
}

const method = (path: string, request: string, response: string, serverStream = false): TalosMethod => ({
  path,
  request: root.lookupType(request),
  response: root.lookupType(response),
  serverStream,
});

/** The Talos API methods this package calls. */
export const talosMethods = {
  applyConfiguration: method(
    "/machine.MachineService/ApplyConfiguration",
    "machine.ApplyConfigurationRequest",
    "machine.ApplyConfigurationResponse",
  ),
  bootstrap: method("/machine.MachineService/Bootstrap", "machine.BootstrapRequest", "machine.BootstrapResponse"),
  kubeconfig: method("/machine.MachineService/Kubeconfig", "google.protobuf.Empty", "common.Data", true),
  version: method("/machine.MachineService/Version", "google.protobuf.Empty", "machine.VersionResponse"),
  disks: method("/storage.StorageService/Disks", "google.protobuf.Empty", "storage.DisksResponse"),
} as const;

/** Encodes a message of a method's type. */
export function encodeMessage(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  // fromObject takes enum names or numbers and Buffers for bytes.
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Decodes a message into a plain object (enums as names, 64-bit numbers as numbers, bytes as Buffers, defaults filled in). */
export function decodeMessage<T>(type: protobuf.Type, data: Buffer): T {
  return type.toObject(type.decode(data), { enums: String, longs: Number, bytes: Buffer, defaults: true, arrays: true }) as T;
}
