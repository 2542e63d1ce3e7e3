export * from "./repository.js";
