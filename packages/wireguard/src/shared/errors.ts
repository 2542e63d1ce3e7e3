/** Thrown when a WireGuard key is not 32 bytes of base64. */
export class InvalidWireGuardKeyError extends Error {
  override name = "InvalidWireGuardKeyError";

  constructor(
    readonly what: string,
    reason = 'it must be 32 bytes in base64 (44 characters ending in "="), as `wg genkey` and `wg pubkey` print',
  ) {
    super(`${capitalize(what)} is not a valid WireGuard key: ${reason}.`);
  }
}

/** Thrown when an address, subnet or endpoint given to WireGuard cannot be used. */
export class InvalidAddressError extends Error {
  override name = "InvalidAddressError";

  constructor(
    readonly value: string,
    readonly where: string,
    reason: string,
  ) {
    super(`"${value}" in ${where} is not usable: ${reason}.`);
  }
}

/** Thrown when an identity and its peers cannot form a valid configuration. */
export class WireGuardConfigError extends Error {
  override name = "WireGuardConfigError";
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}
