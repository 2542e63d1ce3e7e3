export * from "./connection.js";
export * from "./image.js";
