import { x } from "@pitboss/core"; export const y = x + 1;
