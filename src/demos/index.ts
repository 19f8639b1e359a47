import type { Demo } from './demo.js';

export type { Demo, DemoContext } from './demo.js';

/** Every scenario demo, by name. Scenario files register here. */
export const DEMOS: readonly Demo[] = [];

/** The demo called `name`, if any. */
export function findDemo(name: string): Demo | undefined {
  return DEMOS.find((d) => d.name === name);
}
