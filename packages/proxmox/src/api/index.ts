/**
 * A small client of the Proxmox VE REST API used at deploy time by the units' dynamic resources:
 * detecting the default node and datastores, downloading images with checksum verification, and
 * checking volumes. No Pulumi import.
 */
export * from "./client.js";
export * from "./detect.js";
export * from "./errors.js";
export * from "./images.js";
