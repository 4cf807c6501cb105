// The public surface of this package arrives with its issue; see README.md.
export {};
