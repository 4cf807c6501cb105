/** The version of `@pitboss/components`, stamped on every class it registers. */
export const VERSION: string = '0.1.0';
