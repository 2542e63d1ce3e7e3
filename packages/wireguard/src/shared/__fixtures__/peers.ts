import { type Identity, type IdentityInput, identitySchema, type Network, networkSchema, type Peer } from "../../entities.js";

/** Fixed private keys (32 repeated bytes) with the public keys `wg pubkey` prints for them. */
export const keys = {
  alpha: { privateKey: "ERERERERERERERERERERERERERERERERERERERERERE=", publicKey: "e06Qm75//kTEZaIgA31gjuNYl9Me+XLwf3SJLLD3PxM=" },
  bravo: { privateKey: "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=", publicKey: "D6poTtKIZ7l/Smot7l34zpdOdrcBjj8iocTPJnhXDyA=" },
  charlie: { privateKey: "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=", publicKey: "ew1H2TQn+DERYHgcfHM/2J+IlwrvSQ2KoO4ZpMuKGxQ=" },
} as const;

/** Fixed network key material: the bytes 0, 1, …, 31. */
export const networkKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

export function network(overrides: Partial<Network> = {}): Network {
  return networkSchema.parse({ id: "net-uid", name: "office", presharedKeyMode: "secure", presharedKey: networkKey, ...overrides });
}

/** An identity of one of the fixed keys in a network (`null`: none), with the peer fields overridden. */
export function identity(name: keyof typeof keys, peer: Partial<IdentityInput["peer"]> = {}, netArg: Network | null = network()): Identity {
  const net = netArg ?? undefined;
  const { presharedKey: _secret, ...info } = net ?? ({} as Network);
  return identitySchema.parse({
    privateKey: keys[name].privateKey,
    ...(net ? { network: net } : {}),
    peer: { name, publicKey: keys[name].publicKey, ...(net ? { network: info } : {}), ...peer },
  });
}

export function peerOf(value: Identity): Peer {
  return value.peer;
}
