/** The definitions of `@highstate/talos`. */
export {};
