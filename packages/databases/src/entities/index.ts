export * from "./connection.js";
