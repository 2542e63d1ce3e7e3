import { defineUnit } from "@highstate/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { parseRcloneConfig, remoteHosts, selectRcloneRemote } from "../../rclone/parse.js";
import { validatePathPattern } from "../../rclone/path-pattern.js";
import { resticRepository } from "./definition.js";

/**
 * Parses and checks the rclone config and the path pattern and outputs the repository location. It
 * creates no resources and does not contact the storage: each app's backup kit initialises its own
 * repository on its first backup.
 */
export default defineUnit(resticRepository, (unit) => {
  const { args, secrets } = unit;
  validatePathPattern(args.pathPattern, `arg "pathPattern" of "${unit.name}"`);
  const selected = secrets.rcloneConfig.apply((text) => {
    const where = `secret "rcloneConfig" of "${unit.name}"`;
    return selectRcloneRemote(parseRcloneConfig(text, where), args.remoteName, where);
  });
  // The remote's name, type and hosts are not secret, even though they are read from the secret config.
  const remoteName = pulumi.unsecret(selected.apply((value) => value.remote.name));
  const remoteType = pulumi.unsecret(selected.apply((value) => value.remote.type));
  const remoteEndpoints = pulumi.unsecret(
    selected.apply((value) => [...new Set([...remoteHosts(value.remotes), ...args.remoteEndpoints])].sort()),
  );
  return {
    repo: {
      type: "rclone" as const,
      remoteName,
      remoteType,
      rcloneConfig: pulumi.secret(selected.apply((value) => value.config)),
      pathPattern: args.pathPattern,
      remoteEndpoints,
    },
    $statusFields: {
      remoteName: { value: remoteName, title: "Remote" },
      remoteType: { value: remoteType, title: "Remote Type" },
      pathPattern: { value: args.pathPattern, title: "Path Pattern" },
      remoteEndpoints: { value: remoteEndpoints.apply((hosts) => hosts.join(", ") || "—"), title: "Endpoints" },
    },
  };
});
